//! Front matter of Markdown files: TOML between `+++` lines or YAML between `---` lines, with English or Chinese keys.
