"""Official documents: templates, rendering, the register, file names and the public page."""
