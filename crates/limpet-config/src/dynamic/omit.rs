//! Go `omitempty` predicates for `skip_serializing_if`.

pub fn is_false(value: &bool) -> bool {
    !*value
}

pub fn is_zero(value: &i64) -> bool {
    *value == 0
}
