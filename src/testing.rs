//! A helper for unit tests that read like a table of cases.

use std::fmt::Debug;

/// Checks that `f` gives each case's expected output for its input, naming the input when not.
#[track_caller]
pub fn table<I, O, W>(cases: &[(I, W)], f: impl Fn(I) -> O)
where
    I: Clone + Debug,
    O: PartialEq<W> + Debug,
    W: Debug,
{
    for (input, want) in cases {
        let got = f(input.clone());
        assert!(got == *want, "{input:?}: got {got:?}, want {want:?}");
    }
}
