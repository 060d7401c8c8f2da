//! `postmortem formats`: the format ids, how each is recognised, and the kinds it emits.

use std::io::{self, Write};

use postmortem_parsers::Format;

use crate::event::SOURCES;

/// Writes the list of formats, sources and kinds.
pub fn write<W: Write>(out: &mut W) -> io::Result<()> {
    writeln!(out, "Formats (ids for --as GLOB=FORMAT):\n")?;
    for f in Format::ALL {
        writeln!(out, "{}\n  {}\n  recognised by: {}\n  kinds:", f.id(), f.description(), f.recognised_by())?;
        for (kind, meaning) in f.kinds() {
            writeln!(out, "    {kind:<24} {meaning}")?;
        }
        writeln!(out)?;
    }
    writeln!(out, "Sources:")?;
    for (source, meaning) in SOURCES {
        writeln!(out, "  {source:<8} {meaning}")?;
    }
    Ok(())
}
