//! `crossfmt pickle disasm`: a listing on stdout, exit 0 at STOP, exit 1
//! (after the lines before the break) on a broken stream, 2 on a missing file.

fn disasm(args: &[&str], stdin: &[u8]) -> (i32, String) {
    use std::io::Write;
    let mut child = crate::util::crossfmt()
        .args(["pickle", "disasm"])
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn disasm_lists_a_pickle_and_stops_at_a_break() {
    let (code, out) = disasm(&["--hex", "-"], b"80 04 4b 01 2e\n");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("BININT1          1"), "{out}");
    assert!(
        out.ends_with("highest protocol among opcodes = 2\n"),
        "{out}"
    );
    let (code, out) = disasm(&["-"], b"\x80\x02cos\nsystem\nX\x05\x00\x00");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("'os system'"), "{out}");
    assert!(
        out.contains("error: offset 13: pickle data was truncated"),
        "{out}"
    );
    let (code, _) = disasm(&["/nonexistent/file.pkl"], b"");
    assert_eq!(code, 2);
}
