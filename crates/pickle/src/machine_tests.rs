use super::*;
use crossfmt_value::ErrorKind as CodecKind;
use crossfmt_value::Value;

fn kind(b: &[u8]) -> ErrorKind {
    run(b).expect_err("a bad pickle").kind
}

#[test]
fn bad_pickles_fall_in_cpython_categories() {
    assert_eq!(kind(b"0."), ErrorKind::StackUnderflow);
    assert_eq!(kind(b"\x80\x02."), ErrorKind::StackUnderflow);
    assert_eq!(kind(b"1."), ErrorKind::MissingMark);
    assert_eq!(kind(b"K\x01t."), ErrorKind::MissingMark);
    assert_eq!(kind(b"h\x05."), ErrorKind::BadMemo);
    assert_eq!(kind(b"\x80\x06N."), ErrorKind::UnsupportedProtocol);
    assert_eq!(
        kind(b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00N."),
        ErrorKind::Truncated
    );
    assert_eq!(kind(b"K\x01"), ErrorKind::Truncated);
    assert_eq!(kind(b"\x00N."), ErrorKind::UnknownOpcode);
    assert_eq!(kind(b"(K\x01d."), ErrorKind::BadValue);
    assert_eq!(kind(b"K\x01K\x02a."), ErrorKind::BadValue);
    assert_eq!(kind(b"K\x01)R."), ErrorKind::BadValue);
    assert_eq!(kind(b"\x97."), ErrorKind::Unsupported);
    let e = run(b"NN\xff").unwrap_err();
    assert_eq!(e.offset, 2);
    assert_eq!(e.to_string(), "offset 2: unknown opcode 0xff");
}

#[test]
fn a_shared_object_is_one_node_and_a_cycle_is_kept_in_the_arena() {
    // [l, l] with l = [] memoised: one list node, referenced twice.
    let pv = run(b"\x80\x02]q\x00h\x00\x86.").unwrap();
    let Node::Tuple(xs) = pv.node(pv.root) else {
        panic!("a tuple")
    };
    assert_eq!(xs[0], xs[1]);
    // l = []; l.append(l): the list contains itself.
    let pv = run(b"\x80\x02]q\x00h\x00a.").unwrap();
    assert_eq!(pv.node(pv.root), &Node::List(vec![pv.root]));
    let e = crate::loads(b"\x80\x02]q\x00h\x00a.").unwrap_err();
    assert_eq!(e.kind, CodecKind::Unsupported);
    assert!(e.message.contains("recursive"), "{e}");
}

#[test]
fn globals_and_calls_are_explicit_nodes_never_run() {
    // os.system("echo") through GLOBAL + REDUCE, result discarded by POP.
    let b = b"\x80\x02cos\nsystem\nX\x04\x00\x00\x00echo\x85R0N.";
    let pv = run(b).unwrap();
    let call = pv
        .nodes
        .iter()
        .find(|n| matches!(n.node, Node::Call { .. }))
        .expect("the call is kept");
    let Node::Call { kind, callable, .. } = &call.node else {
        unreachable!()
    };
    assert_eq!(*kind, CallKind::Reduce);
    assert_eq!(
        pv.node(*callable),
        &Node::Global {
            module: "os".into(),
            name: "system".into()
        }
    );
    // As the value itself, the call is refused naming the global and offset.
    let e = crate::loads(b"\x80\x02cos\nsystem\nX\x04\x00\x00\x00echo\x85R.").unwrap_err();
    assert_eq!(e.kind, CodecKind::Unsupported);
    assert!(
        e.message.contains("os.system") && e.message.contains("offset 2"),
        "{e}"
    );
    // BUILD keeps the object's identity and wraps it.
    let pv = run(b"c__main__\nC\n)\x81}b.").unwrap();
    assert!(matches!(pv.node(pv.root), Node::Build { .. }));
}

#[test]
fn cpython_reconstructors_are_applied() {
    let bytes = b"c_codecs\nencode\np0\n(Vab\np1\nVlatin1\np2\ntp3\nRp4\n.";
    assert_eq!(crate::loads(bytes).unwrap(), Value::Bytes(b"ab".to_vec()));
    let set = b"\x80\x02c__builtin__\nset\nq\x00]q\x01(K\x02K\x01K\x02e\x85q\x02Rq\x03.";
    assert_eq!(
        crate::loads(set).unwrap(),
        Value::Set(vec![Value::from(1i64), Value::from(2i64)])
    );
    let dict = b"}(K\x01K\x02G?\xf0\x00\x00\x00\x00\x00\x00K\x03u.";
    assert_eq!(
        crate::loads(dict).unwrap(),
        Value::Map(vec![(Value::from(1i64), Value::from(3i64))]),
        "1 and 1.0 are one key; the first key stays, the last value wins"
    );
}

#[test]
fn sharing_bombs_hit_the_budget_not_the_memory() {
    // l0 = []; l(k+1) = [lk, lk] 40 times: 2^40 leaves as a tree.
    let mut b = b"\x80\x02]q\x00".to_vec();
    for k in 0..40u8 {
        b.extend_from_slice(&[b'h', k, b'h', k, 0x86, b'q', k + 1]);
    }
    b.push(b'.');
    let pv = run(&b).unwrap();
    assert!(pv.nodes.len() < 100);
    let e = crate::loads(&b).unwrap_err();
    assert_eq!(e.kind, CodecKind::Limit, "{e}");
}

#[test]
fn deep_nesting_is_a_limit_not_a_stack_overflow() {
    let mut b = vec![0x80, 2];
    b.extend(std::iter::repeat_n(b']', 100_000));
    b.extend(std::iter::repeat_n(b'a', 99_999));
    b.push(b'.');
    let e = crate::loads(&b).unwrap_err();
    assert_eq!(e.kind, CodecKind::Limit, "{e}");
}

#[test]
fn appends_below_other_objects_extends_the_list_under_the_mark() {
    // [[1, 2], [1, 2]] with the inner list memoised: APPENDS on the outer
    // list while the stack holds other objects below it.
    let b = b"\x80\x02]q\x00(]q\x01(K\x01K\x02eh\x01e.";
    let v = crate::loads(b).unwrap();
    let inner = Value::Array(vec![Value::from(1i64), Value::from(2i64)]);
    assert_eq!(v, Value::Array(vec![inner.clone(), inner]));
}

#[test]
fn equal_bytes_in_sibling_sets_are_not_mistaken_for_one_object() {
    // Found by the round-trip property: set members were encoded from
    // temporary copies, whose reused addresses looked like memoised objects.
    let v = Value::FrozenSet(vec![
        Value::FrozenSet(vec![Value::Null, Value::Text("aa".into())]),
        Value::FrozenSet(vec![Value::Bytes(vec![0x1e, 0x8e]), Value::from(-257i64)]),
    ]);
    let mut want = v.clone();
    if let Value::FrozenSet(xs) = &mut want {
        for x in xs.iter_mut() {
            if let Value::FrozenSet(ys) = x {
                ys.sort();
            }
        }
        xs.sort();
    }
    assert_eq!(crate::loads(&crate::dumps(&v, 4).unwrap()).unwrap(), want);
}

#[test]
fn a_reconstructor_call_that_raises_fails_the_pickle_even_when_discarded() {
    // CPython runs each REDUCE as it reads it: these raise TypeError in
    // pickle.loads although STOP returns True.
    for (b, why) in [
        (
            &b"c__builtin__\nset\n(K\x01K\x02tR0I01\n."[..],
            "expected at most 1 argument",
        ),
        (
            b"c__builtin__\nfrozenset\n(]K\x01]tR0I01\n.",
            "expected at most 1 argument",
        ),
        (b"c__builtin__\nset\n(]]atR0I01\n.", "unhashable"),
    ] {
        let e = crate::loads(b).unwrap_err();
        assert!(e.message.contains(why), "{e}");
    }
    // set(5) is refused too (not as CPython's TypeError, but refused).
    assert!(crate::loads(b"c__builtin__\nset\n(K\x01tR0I01\n.").is_err());
    // A discarded call that CPython runs fine changes nothing.
    assert_eq!(
        crate::loads(b"c__builtin__\nset\n(]K\x01atR0I01\n.").unwrap(),
        Value::Bool(true)
    );
}
