//! How lwsim writes a number in its CSV files, in one place (docs/SWEEPS.md, "Numbers in the
//! files"): the shortest text that reads back to the same double, as the `ryu` crate
//! writes it (and as the csv crate and serde_json already do): `0.1`, `1.0`, `2.8e-15`,
//! `1e-300`, `1e16`; plain decimals for magnitudes in [1e-5, 1e16), exponents outside. A missing
//! value (an undefined figure: no denominator; an index that cannot be estimated) is an empty
//! field in every CSV and `null` in JSON.

/// `x` as lwsim writes it in a CSV field: shortest round trip (ryu), empty when NaN.
pub fn fmt(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        ryu::Buffer::new().format(x).to_string()
    }
}

/// Read a field written by [`fmt`] (or by an older lwsim, which wrote `NaN`): empty is NaN.
pub fn parse(field: &str) -> Option<f64> {
    if field.is_empty() {
        Some(f64::NAN)
    } else {
        field.parse().ok()
    }
}

/// For `#[serde(serialize_with = "...")]` on an f64 field of a CSV row: NaN as an empty field.
///
/// # Errors
/// The serializer's.
pub fn serialize<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    if x.is_nan() {
        s.serialize_none()
    } else {
        s.serialize_f64(*x)
    }
}

/// For `#[serde(deserialize_with = "...")]`: the field [`serialize`] wrote, empty as NaN.
///
/// # Errors
/// A field that is neither empty nor a number.
pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
    parse(&text).ok_or_else(|| serde::de::Error::custom(format!("expected a number or an empty field, found {text:?}")))
}

/// For `#[serde(serialize_with = "...")]` on an f64 field of dose-response.csv, the one CSV
/// whose numbers are not [`fmt`]'s: as Rust's `Display` writes them (`0`, `0.05`, `10`, never an
/// exponent: the file has always had them so), NaN as an empty field.
///
/// # Errors
/// The serializer's.
pub fn serialize_display<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    if x.is_nan() {
        s.serialize_none()
    } else {
        s.collect_str(x)
    }
}

/// CSV bytes from the csv crate with every `NaN` field made empty. Only for files whose text
/// columns are lwsim's own identifiers (weekly, practices, headline), which are never
/// `NaN`; rows with user text serialise their numbers with [`serialize`] instead.
pub fn missing_as_empty(csv: Vec<u8>) -> Vec<u8> {
    if !csv.windows(3).any(|w| w == b"NaN") {
        return csv;
    }
    let mut out = Vec::with_capacity(csv.len());
    let mut field_start = true;
    let mut i = 0;
    while i < csv.len() {
        if field_start && csv[i..].starts_with(b"NaN") && matches!(csv.get(i + 3), None | Some(b',' | b'\n' | b'\r')) {
            i += 3;
            field_start = false;
            continue;
        }
        let b = csv[i];
        out.push(b);
        field_start = matches!(b, b',' | b'\n');
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_double_reads_back_exactly_and_missing_is_empty() {
        let cases = [
            (0.1, "0.1"),
            (1.0, "1.0"),
            (0.09999999999999999, "0.09999999999999999"),
            (2.8e-15, "2.8e-15"),
            (1e-300, "1e-300"),
            (1e-17, "1e-17"),
            (0.0001, "0.0001"),
            (1e16, "1e16"),
            (123456.5, "123456.5"),
            (-0.25, "-0.25"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e308"),
        ];
        for (x, text) in cases {
            assert_eq!(fmt(x), text);
            assert_eq!(parse(&fmt(x)).unwrap().to_bits(), x.to_bits());
        }
        assert_eq!(fmt(f64::NAN), "");
        assert!(parse("").unwrap().is_nan() && parse("NaN").unwrap().is_nan());
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..100_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let x = f64::from_bits(state);
            if x.is_finite() {
                assert_eq!(parse(&fmt(x)).unwrap().to_bits(), x.to_bits(), "{x:e}");
            }
        }
    }

    #[test]
    fn nan_fields_become_empty_and_nothing_else_changes() {
        let csv = b"a,b,c\nNaN,1.0,NaN\n2.0,NaN,3.0\nNaNa,xNaN,NaN\n".to_vec();
        assert_eq!(
            String::from_utf8(missing_as_empty(csv)).unwrap(),
            "a,b,c\n,1.0,\n2.0,,3.0\nNaNa,xNaN,\n"
        );
    }
}
