//! Records read ahead of the write: an import reads and checks its whole
//! input first, keeping the records here, and only then opens its write
//! transaction, which so never waits on a pipe, a slow disk or a stalled
//! writer of the input, only on the database's own disk.
//!
//! The records go to an unlinked temporary file (mode 0600) in the
//! database's folder, which holds the same PINs already, so that a
//! million records take no memory; its bytes are overwritten with zeros
//! before it is closed.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::Incoming;
use crate::records::FieldEdit;

/// Records read ahead, in the order they were read.
pub struct Spool {
    file: BufWriter<File>,
    count: u64,
}

impl Spool {
    /// A new, empty spool in `folder` (the database's), else (a folder
    /// this user may not write) in the system's temporary folder.
    pub fn new(folder: &Path) -> io::Result<Spool> {
        let file = match tempfile::tempfile_in(folder) {
            Ok(file) => file,
            Err(_) => tempfile::tempfile()?,
        };
        Ok(Spool {
            file: BufWriter::with_capacity(64 * 1024, file),
            count: 0,
        })
    }

    /// How many records it holds.
    pub fn len(&self) -> u64 {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn push(&mut self, rec: &Incoming) -> io::Result<()> {
        let w = &mut self.file;
        w.write_all(&rec.line.to_le_bytes())?;
        put_str(w, &rec.extension)?;
        for field in [
            &rec.first_name,
            &rec.last_name,
            &rec.email,
            &rec.voicemail_pin,
            &rec.voicemail_options,
        ] {
            match field {
                FieldEdit::Keep => w.write_all(&[0])?,
                FieldEdit::Clear => w.write_all(&[1])?,
                FieldEdit::Set(s) => {
                    w.write_all(&[2])?;
                    put_str(w, s)?;
                }
            }
        }
        w.write_all(&[match rec.pin_protect {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        }])?;
        match rec.duration_s {
            FieldEdit::Keep => w.write_all(&[0])?,
            FieldEdit::Clear => w.write_all(&[1])?,
            FieldEdit::Set(d) => {
                w.write_all(&[2])?;
                w.write_all(&d.to_le_bytes())?;
            }
        }
        match &rec.included_at {
            None => w.write_all(&[0])?,
            Some(at) => {
                w.write_all(&[1])?;
                put_str(w, at)?;
            }
        }
        self.count += 1;
        Ok(())
    }

    /// Calls `f` for every record, in the order they were pushed.
    pub fn for_each(
        &mut self,
        mut f: impl FnMut(Incoming) -> crate::error::Result<()>,
    ) -> crate::error::Result<()> {
        let unreadable =
            |e: io::Error| crate::error::Error::system("read back the records read ahead", e);
        self.file.flush().map_err(unreadable)?;
        let file = self.file.get_mut();
        file.seek(SeekFrom::Start(0)).map_err(unreadable)?;
        let mut r = BufReader::with_capacity(64 * 1024, &*file);
        for _ in 0..self.count {
            f(read_record(&mut r).map_err(unreadable)?)?;
        }
        Ok(())
    }
}

impl Drop for Spool {
    /// The records hold PINs: their bytes are overwritten before the
    /// file goes.
    fn drop(&mut self) {
        let _ = self.file.flush();
        let file = self.file.get_mut();
        let Ok(len) = file.seek(SeekFrom::End(0)) else {
            return;
        };
        if file.seek(SeekFrom::Start(0)).is_err() {
            return;
        }
        let zeros = [0u8; 64 * 1024];
        let mut left = len;
        while left > 0 {
            let n = left.min(zeros.len() as u64) as usize;
            if file.write_all(&zeros[..n]).is_err() {
                return;
            }
            left -= n as u64;
        }
        let _ = file.sync_data();
    }
}

fn put_str(w: &mut impl Write, s: &str) -> io::Result<()> {
    let len = u32::try_from(s.len()).map_err(|_| io::Error::other("a field is too long"))?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(s.as_bytes())
}

fn get_u64(r: &mut impl Read) -> io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

fn get_u8(r: &mut impl Read) -> io::Result<u8> {
    let mut b = [0u8; 1];
    r.read_exact(&mut b)?;
    Ok(b[0])
}

fn get_str(r: &mut impl Read) -> io::Result<String> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    let mut s = vec![0u8; u32::from_le_bytes(b) as usize];
    r.read_exact(&mut s)?;
    String::from_utf8(s).map_err(|_| io::Error::other("a field is not UTF-8"))
}

fn bad_tag() -> io::Error {
    io::Error::other("the records read ahead are damaged")
}

fn read_record(r: &mut impl Read) -> io::Result<Incoming> {
    let line = get_u64(r)?;
    let mut rec = Incoming::new(line, get_str(r)?);
    let mut text = || -> io::Result<FieldEdit<String>> {
        Ok(match get_u8(r)? {
            0 => FieldEdit::Keep,
            1 => FieldEdit::Clear,
            2 => FieldEdit::Set(get_str(r)?),
            _ => return Err(bad_tag()),
        })
    };
    rec.first_name = text()?;
    rec.last_name = text()?;
    rec.email = text()?;
    rec.voicemail_pin = text()?;
    rec.voicemail_options = text()?;
    rec.pin_protect = match get_u8(r)? {
        0 => None,
        1 => Some(false),
        2 => Some(true),
        _ => return Err(bad_tag()),
    };
    rec.duration_s = match get_u8(r)? {
        0 => FieldEdit::Keep,
        1 => FieldEdit::Clear,
        2 => FieldEdit::Set(get_u64(r)? as i64),
        _ => return Err(bad_tag()),
    };
    rec.included_at = match get_u8(r)? {
        0 => None,
        1 => Some(get_str(r)?),
        _ => return Err(bad_tag()),
    };
    Ok(rec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn edit() -> impl Strategy<Value = FieldEdit<String>> {
        prop_oneof![
            Just(FieldEdit::Keep),
            Just(FieldEdit::Clear),
            any::<String>().prop_map(FieldEdit::Set),
        ]
    }

    fn incoming() -> impl Strategy<Value = Incoming> {
        (
            any::<u64>(),
            any::<String>(),
            (edit(), edit(), edit(), edit(), edit()),
            (any::<Option<bool>>(), any::<Option<String>>()),
            prop_oneof![
                Just(FieldEdit::Keep),
                Just(FieldEdit::Clear),
                any::<i64>().prop_map(FieldEdit::Set),
            ],
        )
            .prop_map(
                |(
                    line,
                    ext,
                    (first, last, email, pin, options),
                    (protect, included_at),
                    duration,
                )| {
                    let mut rec = Incoming::new(line, ext);
                    rec.first_name = first;
                    rec.last_name = last;
                    rec.email = email;
                    rec.voicemail_pin = pin;
                    rec.voicemail_options = options;
                    rec.pin_protect = protect;
                    rec.duration_s = duration;
                    rec.included_at = included_at;
                    rec
                },
            )
    }

    proptest! {
        #[test]
        fn records_come_back_as_they_went_in(recs in proptest::collection::vec(incoming(), 0..40)) {
            let dir = tempfile::tempdir().unwrap();
            let mut spool = Spool::new(dir.path()).unwrap();
            for rec in &recs {
                spool.push(rec).unwrap();
            }
            prop_assert_eq!(spool.len(), recs.len() as u64);
            for _ in 0..2 {
                let mut back = Vec::new();
                spool.for_each(|r| { back.push(r); Ok(()) }).unwrap();
                prop_assert_eq!(&back, &recs);
            }
            // Unlinked: nothing of it is left in the folder.
            prop_assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        }
    }
}
