//! Numbers as people read them in messages and progress: `1,294 replicates/s`, `0.52 s`.

#![warn(missing_docs)]

/// An integer with thousands separators: `1294` -> `"1,294"`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` things, with separators, singular for one: `(1, "replicate")` -> `"1 replicate"`,
/// `(1294, "replicate")` -> `"1,294 replicates"`.
pub fn things(n: u64, thing: &str) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("{} {thing}{s}", count(n))
}

/// A rate per second, rounded to a whole number with separators (`"1,294"`); below 10, one
/// decimal (`"2.5"`), so a slow England run does not read as 0 or 1.
pub fn rate(per_second: f64) -> String {
    if !per_second.is_finite() || per_second <= 0.0 {
        "0".to_string()
    } else if per_second < 10.0 {
        format!("{per_second:.1}")
    } else {
        count(per_second.round() as u64)
    }
}

/// A duration: `"0.52 s"`, `"12.3 s"`, `"4 min 05 s"`, `"2 h 03 min"`.
pub fn duration(seconds: f64) -> String {
    let s = seconds.max(0.0);
    if s < 10.0 {
        format!("{s:.2} s")
    } else if s < 60.0 {
        format!("{s:.1} s")
    } else if s < 3600.0 {
        let whole = s.round() as u64;
        format!("{} min {:02} s", whole / 60, whole % 60)
    } else {
        let minutes = (s / 60.0).round() as u64;
        format!("{} h {:02} min", minutes / 60, minutes % 60)
    }
}

/// A word quoted for a POSIX shell, so that a printed command pastes and runs as it was meant:
/// left as it is when it holds only characters no shell treats specially, else in single
/// quotes ([`single_quoted`]). Every command lwsim prints or writes into a page goes through
/// it; SLURM's job scripts quote one character more (`sweep::slurm::shell_quote`).
pub fn shell_quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./=:,+@%".contains(c))
    {
        word.to_string()
    } else {
        single_quoted(word)
    }
}

/// A word in single quotes for a POSIX shell, whatever it holds (a quote inside written
/// `'\''`).
pub fn single_quoted(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\\''"))
}

/// Words joined into one command line for a POSIX shell, each quoted as needed.
pub fn shell_command<S: AsRef<str>>(words: &[S]) -> String {
    words
        .iter()
        .map(|w| shell_quote(w.as_ref()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1,000");
        assert_eq!(count(1_294), "1,294");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn one_thing_is_singular() {
        assert_eq!(things(1, "replicate"), "1 replicate");
        assert_eq!(things(0, "replicate"), "0 replicates");
        assert_eq!(things(1_000, "lever value"), "1,000 lever values");
    }

    #[test]
    fn rates_are_whole_numbers_but_small_ones() {
        assert_eq!(rate(1294.2398), "1,294");
        assert_eq!(rate(2.54), "2.5");
        assert_eq!(rate(f64::NAN), "0");
        assert_eq!(rate(f64::INFINITY), "0");
    }

    #[test]
    fn commands_are_quoted_for_a_posix_shell() {
        assert_eq!(shell_quote("scenarios/a.toml"), "scenarios/a.toml");
        assert_eq!(shell_quote("my results/a b.toml"), "'my results/a b.toml'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("$HOME;rm"), "'$HOME;rm'");
        assert_eq!(
            shell_quote("integration_rate_24m >= 0.3"),
            "'integration_rate_24m >= 0.3'"
        );
        assert_eq!(shell_quote("50%"), "50%");
        assert_eq!(single_quoted("50%"), "'50%'");
        assert_eq!(
            shell_command(&["lwsim", "run", "a b.toml", "--set", "name=x"]),
            "lwsim run 'a b.toml' --set name=x"
        );
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(0.5239), "0.52 s");
        assert_eq!(duration(12.34), "12.3 s");
        assert_eq!(duration(245.0), "4 min 05 s");
        assert_eq!(duration(7380.0), "2 h 03 min");
    }
}
