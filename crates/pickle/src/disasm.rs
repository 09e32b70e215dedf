//! A disassembly in the manner of `pickletools.dis`: one line per opcode
//! with its offset, code byte, name (indented by open marks) and argument,
//! the stack depth after it, and memo and mark annotations. It stops at the
//! first byte the lexer cannot read, with an error line, keeping every line
//! before it; stack mistakes (a pop below a mark) are annotated, not fatal,
//! so that a broken pickle still shows what it would do.

use crate::lexer::{self, Arg, Op};
use crate::opcodes::op::*;
use crate::opcodes::ArgKind;
use crate::text;
use std::fmt::Write;

/// Stack effect of an opcode: items popped (after its mark, when it pops to
/// one) and pushed.
fn effect(code: u8) -> (usize, usize, bool) {
    match code {
        MARK => (0, 0, false),
        STOP | POP => (1, 0, false),
        POP_MARK => (0, 0, true),
        DUP => (1, 2, false),
        TUPLE | LIST | DICT | FROZENSET | INST => (0, 1, true),
        OBJ => (0, 1, true),
        APPENDS | SETITEMS | ADDITEMS => (0, 0, true),
        APPEND | BUILD => (2, 1, false),
        SETITEM => (3, 1, false),
        TUPLE1 | BINPERSID | READONLY_BUFFER => (1, 1, false),
        TUPLE2 | REDUCE | NEWOBJ | STACK_GLOBAL => (2, 1, false),
        TUPLE3 | NEWOBJ_EX => (3, 1, false),
        PROTO | FRAME | PUT | BINPUT | LONG_BINPUT | MEMOIZE => (0, 0, false),
        _ => (0, 1, false),
    }
}

fn quoted(b: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(b))
}

fn bytes_literal(b: &[u8]) -> String {
    let mut s = String::from("b'");
    for &c in b {
        match c {
            b'\\' => s.push_str("\\\\"),
            b'\'' => s.push_str("\\'"),
            0x20..=0x7e => s.push(char::from(c)),
            _ => {
                let _ = write!(s, "\\x{c:02x}");
            }
        }
    }
    s.push('\'');
    s
}

/// The argument as `pickletools` would show it.
fn argument(op: &Op<'_>) -> String {
    match (op.info.arg, op.arg) {
        (_, Arg::None) => String::new(),
        (_, Arg::Int(i)) => i.to_string(),
        (_, Arg::U64(n)) => n.to_string(),
        (_, Arg::Long(b)) => text::long_bytes(b).to_string(),
        (_, Arg::Float(x)) => text::float_repr(x),
        (ArgKind::String1 | ArgKind::String4, Arg::Bytes(b)) => quoted(b),
        (_, Arg::Bytes(b)) if b.len() > 64 => {
            format!("{}... ({} bytes)", bytes_literal(&b[..64]), b.len())
        }
        (_, Arg::Bytes(b)) => bytes_literal(b),
        (_, Arg::Text(b)) if b.len() > 64 => {
            format!("{}... ({} bytes)", quoted(&b[..64]), b.len())
        }
        (_, Arg::Text(b)) => quoted(b),
        // What the C unpickler reads, which is not always pickletools' view
        // (`I010` is 8, `g01` is memo 1).
        (ArgKind::DecimalNlShort, Arg::Line(l)) if op.code == INT => match text::int_line(l) {
            Some(Ok(n)) => n.to_string(),
            Some(Err(b)) => if b { "True" } else { "False" }.into(),
            None => format!("{} (not an int)", quoted(l)),
        },
        (ArgKind::DecimalNlShort, Arg::Line(l)) => match text::memo_key(l) {
            Some(n) => n.to_string(),
            None => format!("{} (not a decimal)", quoted(l)),
        },
        (_, Arg::Line(l)) => quoted(l),
        (_, Arg::Pair(m, n)) => format!(
            "'{} {}'",
            String::from_utf8_lossy(m),
            String::from_utf8_lossy(n)
        ),
    }
}

/// The disassembly of the pickle at the start of `bytes`, and whether it
/// reached `STOP` without a lexer error.
pub fn disassemble(bytes: &[u8]) -> (String, bool) {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut marks: Vec<(usize, usize)> = Vec::new(); // (offset, depth below)
    let mut memo_len = 0usize;
    let mut highest = 0u8;
    let mut ops = lexer::ops(bytes);
    for op in ops.by_ref() {
        let op = match op {
            Ok(op) => op,
            Err(e) => {
                let _ = writeln!(out, "error: {e}");
                return (out, false);
            }
        };
        highest = highest.max(op.info.proto);
        let (pop, push, to_mark) = effect(op.code);
        let mut notes = Vec::new();
        if to_mark {
            match marks.pop() {
                Some((at, below)) => {
                    notes.push(format!("MARK at {at}"));
                    depth = below;
                }
                None => notes.push("no MARK to pop to".into()),
            }
        }
        let floor = marks.last().map_or(0, |m| m.1);
        if depth < floor + pop {
            notes.push("stack underflow".into());
            depth = floor;
        } else {
            depth -= pop;
        }
        depth += push;
        match (op.code, op.arg) {
            (MEMOIZE, _) => {
                notes.push(format!("as {memo_len}"));
                memo_len += 1;
            }
            (PUT | BINPUT | LONG_BINPUT, _) => memo_len += 1,
            (STACK_GLOBAL, _) => notes.push("module and name from the stack".into()),
            _ => {}
        }
        let indent = "  ".repeat(marks.len());
        let code = match op.code {
            0x20..=0x7e => format!("{}", char::from(op.code)),
            c => format!("\\x{c:02x}"),
        };
        let mut line = format!(
            "{:>6}: {code:<4} {indent}{:<16} {}",
            op.offset,
            op.info.name,
            argument(&op)
        );
        let line_len = line.trim_end().len();
        line.truncate(line_len);
        let _ = write!(
            line,
            "{:width$}",
            "",
            width = 60usize.saturating_sub(line_len)
        );
        let _ = write!(line, " [depth {depth}]");
        if !notes.is_empty() {
            let _ = write!(line, " ({})", notes.join("; "));
        }
        out.push_str(&line);
        out.push('\n');
        if op.code == MARK {
            marks.push((op.offset, depth));
        }
    }
    let _ = writeln!(out, "highest protocol among opcodes = {highest}");
    let end = ops.position();
    if end < bytes.len() {
        let _ = writeln!(
            out,
            "{} bytes after STOP (from offset {end})",
            bytes.len() - end
        );
    }
    (out, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_ops_depths_marks_and_memo() {
        // pickle.dumps([1, "a"], protocol=4)
        let b = b"\x80\x04\x95\x0b\x00\x00\x00\x00\x00\x00\x00]\x94(K\x01\x8c\x01a\x94e.";
        let (text, ok) = disassemble(b);
        assert!(ok);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].starts_with("     0: \\x80 PROTO            4"),
            "{text}"
        );
        assert!(
            lines[3].contains("MEMOIZE") && lines[3].contains("(as 0)"),
            "{text}"
        );
        assert!(
            lines[5].contains("  BININT1") && lines[5].contains("[depth 2]"),
            "{text}"
        );
        assert!(
            lines[8].contains("APPENDS") && lines[8].contains("MARK at 13"),
            "{text}"
        );
        assert!(lines[8].contains("[depth 1]"), "{text}");
        assert_eq!(lines[10], "highest protocol among opcodes = 4");
    }

    #[test]
    fn stops_at_the_first_bad_byte_keeping_what_came_before() {
        let (text, ok) = disassemble(b"\x80\x02cos\nsystem\n\xff");
        assert!(!ok);
        assert!(text.contains("GLOBAL           'os system'"), "{text}");
        assert!(
            text.ends_with("error: offset 13: unknown opcode 0xff\n"),
            "{text}"
        );
        let (text, _) = disassemble(b"0.");
        assert!(text.contains("stack underflow"), "{text}");
    }
}
