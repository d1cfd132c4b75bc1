//! `pinprotect init`.

use super::Ctx;
use crate::error::{ExitCode, Result};
use crate::store::{InitOutcome, SCHEMA_VERSION, Store};

pub fn init(ctx: &mut Ctx<'_>) -> Result<ExitCode> {
    let (_store, outcome) = Store::init(&ctx.db)?;
    let path = &ctx.db;
    ctx.console.info(match outcome {
        InitOutcome::Created => {
            format!("created database {path} (schema version {SCHEMA_VERSION})")
        }
        InitOutcome::Upgraded { from, to } => {
            format!("upgraded database {path} from schema version {from} to {to}")
        }
        InitOutcome::UpToDate => {
            format!("database {path} is up to date (schema version {SCHEMA_VERSION})")
        }
    });
    Ok(ExitCode::Success)
}
