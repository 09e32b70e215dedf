//! How big a pickle's object graph is once its shared references are
//! counted as copies: what a consumer that walks the result as a tree
//! (`repr`, `json.dumps`, `==`, a recursive copy into another format) meets.
//! A memo-expansion bomb is a few hundred bytes whose list holds the same
//! list ten times, thirty levels deep: 10^30 elements to such a consumer,
//! though the unpickler itself builds only thirty lists.
//!
//! Computed symbolically, one number per object, in a second pass that runs
//! only on pickles that fetch from the memo often enough to matter.

use super::memo::Memo;
use crate::lexer::{self, Arg};
use crate::opcodes::op;

/// Memo fetches of containers a pickle needs before its expansion is
/// computed: with g of them the tree size is at most about e^(g/e), so fewer
/// than this cannot reach the 10^9 a finding needs.
pub(crate) const MIN_GETS: u64 = 64;

/// The tree size of what the pickle in `bytes` returns (every object one,
/// a container one plus its items, a shared object counted at each use),
/// or `None` when the ops do not simulate (the main pass reports why).
pub(crate) fn tree_size(bytes: &[u8]) -> Option<f64> {
    // Object ids index `weight`; id 0 is every scalar, weight 1, never
    // grown (nothing is appended to a scalar in a pickle that loads).
    let mut weight: Vec<f64> = vec![1.0];
    let mut stack: Vec<u32> = Vec::new();
    let mut marks: Vec<usize> = Vec::new();
    let mut memo: Memo<u32> = Memo::default();
    memo.reset(bytes.len());
    let mut memo_len = 0u64;
    let new = |weight: &mut Vec<f64>, w: f64| {
        weight.push(w);
        (weight.len() - 1) as u32
    };
    fn grow(weight: &mut [f64], id: u32, by: f64) {
        if id != 0 {
            weight[id as usize] += by;
        }
    }
    for item in lexer::ops(bytes) {
        let o = item.ok()?;
        let pop_mark = |stack: &mut Vec<u32>, marks: &mut Vec<usize>, weight: &[f64]| {
            let m = marks.pop()?;
            let sum: f64 = stack
                .drain(m.min(stack.len())..)
                .map(|i| weight[i as usize])
                .sum();
            Some(sum)
        };
        match o.code {
            op::PROTO | op::FRAME | op::READONLY_BUFFER => {}
            op::STOP => return Some(weight[*stack.last()? as usize]),
            op::MARK => marks.push(stack.len()),
            op::POP => {
                if marks.last() == Some(&stack.len()) {
                    marks.pop();
                } else {
                    stack.pop()?;
                }
            }
            op::POP_MARK => {
                pop_mark(&mut stack, &mut marks, &weight)?;
            }
            op::DUP => stack.push(*stack.last()?),
            op::EMPTY_LIST | op::EMPTY_DICT | op::EMPTY_SET | op::EMPTY_TUPLE => {
                let id = new(&mut weight, 1.0);
                stack.push(id);
            }
            op::LIST | op::TUPLE | op::DICT | op::FROZENSET | op::OBJ | op::INST => {
                let sum = pop_mark(&mut stack, &mut marks, &weight)?;
                let id = new(&mut weight, 1.0 + sum);
                stack.push(id);
            }
            op::TUPLE1 | op::TUPLE2 | op::TUPLE3 => {
                let n = usize::from(o.code - op::TUPLE1 + 1);
                let at = stack.len().checked_sub(n)?;
                let sum: f64 = stack.drain(at..).map(|i| weight[i as usize]).sum();
                let id = new(&mut weight, 1.0 + sum);
                stack.push(id);
            }
            op::APPEND | op::BUILD => {
                let v = stack.pop()?;
                let w = weight[v as usize];
                grow(&mut weight, *stack.last()?, w);
            }
            op::SETITEM => {
                let v = stack.pop()?;
                let k = stack.pop()?;
                let w = weight[v as usize] + weight[k as usize];
                grow(&mut weight, *stack.last()?, w);
            }
            op::APPENDS | op::SETITEMS | op::ADDITEMS => {
                let sum = pop_mark(&mut stack, &mut marks, &weight)?;
                grow(&mut weight, *stack.last()?, sum);
            }
            op::GET | op::BINGET | op::LONG_BINGET => {
                let key = memo_key(&o.arg)?;
                stack.push(*memo.get(key)?);
            }
            op::PUT | op::BINPUT | op::LONG_BINPUT | op::MEMOIZE => {
                let key = if o.code == op::MEMOIZE {
                    memo_len
                } else {
                    memo_key(&o.arg)?
                };
                if memo.insert(key, *stack.last()?) {
                    memo_len += 1;
                }
            }
            op::REDUCE | op::NEWOBJ => {
                let args = stack.pop()?;
                stack.pop()?;
                let w = 1.0 + weight[args as usize];
                let id = new(&mut weight, w);
                stack.push(id);
            }
            op::NEWOBJ_EX => {
                let kwargs = stack.pop()?;
                let args = stack.pop()?;
                stack.pop()?;
                let w = 1.0 + weight[args as usize] + weight[kwargs as usize];
                let id = new(&mut weight, w);
                stack.push(id);
            }
            op::STACK_GLOBAL => {
                stack.pop()?;
                stack.pop()?;
                stack.push(0);
            }
            op::BINPERSID => {
                stack.pop()?;
                stack.push(0);
            }
            // Everything else pushes one new scalar or global.
            _ => stack.push(0),
        }
    }
    None
}

fn memo_key(arg: &Arg) -> Option<u64> {
    match arg {
        Arg::Int(i) => u64::try_from(*i).ok(),
        Arg::Line(l) => crate::text::memo_key_u64(l),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::tree_size;

    #[test]
    fn shared_lists_multiply_and_plain_data_does_not() {
        // [[1, 2], [1, 2]] with the inner list shared: 1 + 2 * 3.
        let shared = b"\x80\x02]q\x00(]q\x01(K\x01K\x02eh\x01e.";
        assert_eq!(tree_size(shared), Some(7.0));
        // Ten levels, each a list of the previous one ten times.
        let mut p = b"\x80\x04]\x94".to_vec();
        for level in 0..10u8 {
            p.extend_from_slice(b"]\x94(");
            p.extend(std::iter::repeat_n([b'h', level], 10).flatten());
            p.push(b'e');
        }
        p.push(b'.');
        let n = tree_size(&p).unwrap();
        assert!(n > 1e10 && n < 2e10, "{n}");
    }
}
