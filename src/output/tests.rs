use super::*;

#[derive(Serialize)]
struct R {
    a: &'static str,
    b: Option<u32>,
}

impl Record for R {
    fn csv_fields(&self) -> Vec<Cow<'_, str>> {
        vec![
            self.a.into(),
            self.b.map(|b| b.to_string()).unwrap_or_default().into(),
        ]
    }
}

fn render(format: Format, rows: &[R]) -> String {
    let mut out = Vec::new();
    let mut w = ListWriter::new(format, vec!["a", "b"], &mut out);
    for r in rows {
        w.write(r).unwrap();
    }
    assert_eq!(w.finish().unwrap(), rows.len() as u64);
    String::from_utf8(out).unwrap()
}

#[derive(Serialize)]
struct Mixed {
    a: String,
    n: Option<i64>,
    b: bool,
    t: Option<String>,
}

impl Record for Mixed {
    fn csv_fields(&self) -> Vec<Cow<'_, str>> {
        vec![
            Cow::Borrowed(self.a.as_str()),
            self.n
                .map(|n| Cow::Owned(n.to_string()))
                .unwrap_or_default(),
            bool_field(self.b),
            opt_field(self.t.as_ref()),
        ]
    }
}

fn both(format: Format, rows: &[Mixed], safe: bool) -> (String, String) {
    let mut slow = Vec::new();
    let mut w = ListWriter::new(format, vec!["a", "n", "b", "t"], &mut slow)
        .spreadsheet_safe(safe)
        .verbatim();
    for r in rows {
        w.write(r).unwrap();
    }
    w.finish().unwrap();
    let mut fast = Vec::new();
    let mut e = RowEncoder::new(format, vec!["a", "n", "b", "t"]).spreadsheet_safe(safe);
    for r in rows {
        let cells = [
            Cell::Text(&r.a),
            r.n.map_or(Cell::Null, Cell::Int),
            Cell::Bool(r.b),
            r.t.as_deref().map_or(Cell::Null, Cell::Text),
        ];
        e.row(&mut fast, &cells).unwrap();
    }
    e.finish(&mut fast).unwrap();
    (
        String::from_utf8(slow).unwrap(),
        String::from_utf8(fast).unwrap(),
    )
}

proptest::proptest! {
    #[test]
    fn row_encoder_writes_the_same_bytes(
        rows in proptest::collection::vec(
            ("\\PC{0,12}|[=+@,\"\r\n\t\\\\ -]{0,6}", proptest::option::of(0i64..100_000), proptest::bool::ANY, proptest::option::of("\\PC{0,8}")),
            0..6,
        ),
        safe in proptest::bool::ANY,
    ) {
        let rows: Vec<Mixed> = rows.into_iter().map(|(a, n, b, t)| Mixed { a, n, b, t }).collect();
        for format in [Format::Csv, Format::Json, Format::Jsonl] {
            let safe = safe && format == Format::Csv;
            let (slow, fast) = both(format, &rows, safe);
            proptest::prop_assert_eq!(slow, fast);
        }
    }
}

#[test]
fn spreadsheet_safe_defuses_formulas() {
    let rows = [
        R { a: "=1+2", b: None },
        R {
            a: "+49",
            b: Some(1),
        },
        R { a: "-x", b: None },
        R {
            a: "@SUM(A1)",
            b: None,
        },
        R { a: "\tx", b: None },
        R { a: "\rx", b: None },
        R {
            a: "plain=",
            b: None,
        },
    ];
    let mut out = Vec::new();
    let mut w = ListWriter::new(Format::Csv, vec!["a", "b"], &mut out)
        .spreadsheet_safe(true)
        .verbatim();
    for r in &rows {
        w.write(r).unwrap();
    }
    w.finish().unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "a,b\n'=1+2,\n'+49,1\n'-x,\n'@SUM(A1),\n'\tx,\n\"'\rx\",\nplain=,\n"
    );
}

#[test]
fn formats() {
    let rows = [
        R {
            a: "x, \"y\"",
            b: Some(1),
        },
        R { a: "0042", b: None },
    ];
    assert_eq!(
        render(Format::Csv, &rows),
        "a,b\n\"x, \"\"y\"\"\",1\n0042,\n"
    );
    assert_eq!(
        render(Format::Json, &rows),
        "[\n  {\"a\":\"x, \\\"y\\\"\",\"b\":1},\n  {\"a\":\"0042\",\"b\":null}\n]\n"
    );
    assert_eq!(
        render(Format::Jsonl, &rows),
        "{\"a\":\"x, \\\"y\\\"\",\"b\":1}\n{\"a\":\"0042\",\"b\":null}\n"
    );
    assert_eq!(
        render(Format::Table, &rows),
        "A       B\nx, \"y\"  1\n0042\n"
    );
    assert_eq!(render(Format::Json, &[]), "[]\n");
    assert_eq!(render(Format::Csv, &[]), "a,b\n");
    assert_eq!(render(Format::Table, &[]), "");
}
