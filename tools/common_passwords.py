"""(Re)generate zwgk/setup/data/common_passwords.txt, the passwords the workbench refuses.

Run once by a developer: ``python tools/common_passwords.py``. The list is built from the
patterns people reach for (English and pinyin words, keyboard walks, digit runs, Chinese
number puns such as 520 "我爱你" and 1314 "一生一世", birth years) rather than copied from a leak,
so it can be read, reviewed and regenerated. zwgk.setup.passwords refuses a password that is on
the list, or whose core (the password without leading and trailing digits and symbols) is.
"""

from itertools import product
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "zwgk" / "setup" / "data" / "common_passwords.txt"

ENGLISH = """password passw0rd p@ssw0rd p@ssword pass1word iloveyou sunshine princess football baseball
welcome admin administrator letmein monkey dragon master shadow superman batman trustno1 whatever
qwerty abc abcd abcdef abcdefg abc123 a123456 test tester guest root user login changeme default
secret hello hellokitty starwars computer internet michael jennifer charlie jordan pokemon freedom
flower lovely loveme love forever summer winter spring autumn china chinese killer soccer hockey
mustang access ninja azerty solo passport zaq1xsw2 asdasd qweqwe zxczxc aaaaaa system manager
office server database welcome1 iloveu angel jesus family friends friend happy money lucky tiger
apple banana orange cookie chocolate pepper ginger buster hunter ranger thomas robert daniel
andrew joshua matthew anthony william david richard joseph james george""".split()

PINYIN = """woaini woainima woaiwojia woaini1314 woaiwo wodemima mima aini aiwo nihao haoren aiqing
kuaile xingfu pingan jiayou baobao baobei laopo laogong xiaobao xiaoming xiaohong xiaoqiang
zhongguo zhonghua beijing shanghai tianjin chongqing guangzhou shenzhen guiyang guizhou wudang
hangzhou nanjing wuhan chengdu xian tianya qqqqqq qq123 wangyi taobao baidu tencent alibaba
huawei xiaomi weixin zhifubao gongzuo bangongshi zhengfu zhengwu gongkai zhengwugongkai kaohe
zwgk gov govcn renmin dangyuan dangjian gongchandang lingdao zuzhi danwei bumen jiedao xiangzhen
zhangwei wangwei wangfang liwei lina zhangmin lijing wangjing liujie zhangli zhangjing liuyang
wangyong lijun lihua liuwei zhangyan wangxiu lixia zhangtao wangtao lilei hanmeimei zhangsan
lisi wangwu zhaoliu zhang wang li liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao
lin luo zheng liang xie song tang han feng deng cao peng zeng xiao tian dong pan yuan cai jiang
yu du ye cheng wei su lv ding ren shen yao lu jin zhong cui tan qiu lan fang meng""".split()

WALKS = """qwerty qwertyui qwertyuiop asdfgh asdfghjkl zxcvbn zxcvbnm qazwsx qazwsxedc 1qaz2wsx
1qaz2wsx3edc 1qaz2wsx3edc4rfv 1qazxsw2 zaq12wsx 1q2w3e 1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y
1q2w3e4r5t6y7u q1w2e3r4 q1w2e3r4t5 qweasd qweasdzxc 1234qwer qwer1234 asdf1234 1234asdf
zxcv1234 !qaz2wsx !qaz@wsx 123qwe 123qweasd 123qweasdzxc qwe123 qwe123456 qweasd123 asd123
zxc123 qaz123 wsx123 1qaz 2wsx 3edc poiuytrewq lkjhgfdsa mnbvcxz qwertyuiop[] asdfghjkl;
1qaz!qaz 1qaz@wsx qwer!@#$ q1w2e3r4t5y6""".split()

DIGITS = """123456789012 1234567890 12345678910 0123456789 9876543210 1122334455 112233445566 111222333
123123123 123321 1234554321 5201314 1314520 520520 5211314 888888 666666 168168 518518 110110
11223344 12344321 147852369 123654789 147258 147258369 159357 159753 741852963 963852741 123456
12345678 123456789 987654321 00000000 11111111 88888888 66666666 13141314 52013145201314
1314521 7758521 2580 1472583690 0987654321 123456123456 123412341234 520131452013 1234567890123
321321321321 111111111111 000000000000 123456654321 147147147147 258258258258 369369369369""".split()

SUFFIXES = ["", "1", "12", "123", "1234", "12345", "123456", "1234567", "12345678", "123456789", "!", "!!",
            "@", "#", "!@#", "1!", "123!", "@123", "#123", "520", "521", "1314", "5201314", "1314520", "888",
            "666", "88", "66", "8888", "6666", "000", "007", ".", "_", "..", "abc", "qwe", "a", "aa"]
YEARS = [str(y) for y in range(1960, 2031)]
PREFIXES = ["", "a", "aa", "abc", "1", "123", "@", "i", "my", "wo"]


def candidates() -> set[str]:
    """Every word of the patterns, with the suffixes, prefixes and years people add to them."""
    words = set(ENGLISH) | set(PINYIN) | set(WALKS) | set(DIGITS)
    found = set(words)
    for word, suffix in product(words, SUFFIXES):
        found.add(word + suffix)
    for word in set(ENGLISH[:20]) | set(PINYIN[:20]) | set(WALKS[:8]):
        for year in YEARS:
            found.add(word + year)
    for prefix, word in product(PREFIXES, set(WALKS) | set(DIGITS)):
        found.add(prefix + word)
    for word in ("woaini", "aini", "woaiwojia", "laopo", "baobei", "zhongguo"):
        for number in ("520", "521", "1314", "5201314", "1314520", "520131", "131452", "1314521"):
            found.update({word + number, number + word, word + number + number})
    # A variant shorter than the workbench's minimum is refused for its length anyway; the bare
    # words stay, since a password is also refused when its core is one of them.
    return {word.lower() for word in found if word in words or len(word) >= 12}


def main() -> None:
    words = sorted(candidates())
    header = ["# Passwords the workbench refuses (zwgk.setup.passwords), generated by tools/common_passwords.py:",
              "# common English and pinyin words, keyboard walks, digit runs, Chinese number puns and years.",
              f"# {len(words)} entries, lower case, one a line."]
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text("\n".join(header + words) + "\n", encoding="utf-8")
    print(f"{TARGET}: {len(words)} passwords")


if __name__ == "__main__":
    main()
