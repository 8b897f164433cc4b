//! What every reader target checks: any bytes, written under each of `names`, read as
//! the format the name says must give articles and errors naming the file, never a
//! panic, and every article read must have a title or a body.

use gazette::reader::{read_file, Format};

pub fn read_as(data: &[u8], names: &[&str]) {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in names {
        let path = dir.path().join(name);
        std::fs::write(&path, data).expect("writable");
        let format = Format::of(&path).expect("a format");
        let errors = read_file(&path, format, &mut |a| {
            assert!(!a.title.is_empty() || !a.body.trim().is_empty());
        });
        for e in errors {
            assert!(e.to_string().contains(name), "{e}");
        }
    }
}
