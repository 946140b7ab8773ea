"""Files techlead reads on a user's behalf, opened and parsed so that no file can hurt.

`techlead.inputs.files` opens one: inside the root it belongs to (a symlink that leaves it is
refused), a regular file (not a FIFO, a device or a directory), no larger than a cap, decoded
as UTF-8 with or without a byte-order mark. `techlead.inputs.formats` parses TOML, YAML and
JSON so that nesting, aliases and surprising types are one-line errors. ADR 0027 says why.
"""
