//! From the command line's format choices to the library's: the one place
//! that knows both, so that `cli` depends on the core only and `output`
//! and `input` know nothing of the command line.

use clap::ValueEnum;

use crate::cli::{ExportFormat, ImportFormat, ListFormat, LogFormat};
use crate::input::InputFormat;
use crate::output::Format;

impl From<ListFormat> for Format {
    fn from(f: ListFormat) -> Self {
        match f {
            ListFormat::Table => Format::Table,
            ListFormat::Csv => Format::Csv,
            ListFormat::Json => Format::Json,
        }
    }
}

impl From<LogFormat> for Format {
    fn from(f: LogFormat) -> Self {
        match f {
            LogFormat::Table => Format::Table,
            LogFormat::Csv => Format::Csv,
            LogFormat::Json => Format::Json,
            LogFormat::Jsonl => Format::Jsonl,
        }
    }
}

impl From<ImportFormat> for Option<InputFormat> {
    fn from(f: ImportFormat) -> Self {
        match f {
            ImportFormat::Auto => None,
            ImportFormat::Csv => Some(InputFormat::Csv),
            ImportFormat::Json => Some(InputFormat::Json),
            ImportFormat::Jsonl => Some(InputFormat::Jsonl),
            ImportFormat::ThreeCx => Some(InputFormat::ThreeCx),
            ImportFormat::FreePbx => Some(InputFormat::FreePbx),
            ImportFormat::VoicemailConf => Some(InputFormat::VoicemailConf),
        }
    }
}

/// The name of an export format, as `--format` takes it.
pub fn export_format_name(f: ExportFormat) -> String {
    f.to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names the importer reports are those `--format` takes.
    #[test]
    fn format_names_are_the_command_lines() {
        for f in ImportFormat::value_variants() {
            let name = f.to_possible_value().unwrap().get_name().to_owned();
            match Option::<InputFormat>::from(*f) {
                Some(input) => assert_eq!(input.to_string(), name),
                None => assert_eq!(name, "auto"),
            }
        }
        assert_eq!(export_format_name(ExportFormat::ThreeCx), "3cx");
        assert_eq!(
            export_format_name(ExportFormat::VoicemailConf),
            "voicemail-conf"
        );
    }
}
