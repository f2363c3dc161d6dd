"""Every document of the procedure, built from the database and issued through the register,
one module per stage (the folders of the output, in the procedure's order):

    00-日常考核  daily          日常考核情况通报
    01-实施方案  scheme         实施方案通知；实施方案的审定意见 (review)
    02-自查      self_check     自查通知、各单位自查评分表
    03-考核组    group          成立考核组通知、各单位考核评分表、考核结果汇总表、考核组工作记录表
    04-审核审定  review         考核结果的请示、审核意见、审定意见
    05-通报公布  publish        考核结果通报、公示网页、通报批评
    06-整改      rectification  各单位问题反馈及整改通知书
    07-催办督办  reminders      催办通知、督办通知
    08-结果运用  use            函送干部主管部门和纪检监察机关的考核结果

Each function takes keyword-only arguments and a session, is idempotent by its register key
(cycle, stage, unit, document type, revision) and returns the register row(s); ``.path`` of a
row is relative to the output folder (``register.document_path``). The office (the district
profile's office organ) issues everything except the leading group's decisions (审定意见 on the
scheme and on the results), which carry the leading group's number.
"""
