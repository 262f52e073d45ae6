//! Numbers as people read them on a chart: thousands separated in labels, large axis marks
//! shortened (2M, not 2000000), the time axis as a clock.

use crate::gui::top_bar::clock_text;

pub use kinescope_core::decimal::grouped;

/// A value axis mark: as is below 10,000, then in k, M or G with up to three significant digits.
pub fn axis_count(value: f64) -> String {
    let magnitude = value.abs();
    let (scaled, suffix) = if magnitude >= 1e9 {
        (value / 1e9, "G")
    } else if magnitude >= 1e6 {
        (value / 1e6, "M")
    } else if magnitude >= 1e4 {
        (value / 1e3, "k")
    } else {
        return trimmed(value, 2);
    };
    let decimals = if scaled.abs() >= 100.0 {
        0
    } else if scaled.abs() >= 10.0 {
        1
    } else {
        2
    };
    format!("{}{suffix}", trimmed(scaled, decimals))
}

/// A time axis mark (seconds of virtual time) as the clock reads: 21:20:00.
pub fn axis_time(seconds: f64) -> String {
    let text = clock_text((seconds * 1_000.0) as i64);
    text.get(11..).map_or(text.clone(), str::to_owned)
}

/// `value` with at most `decimals` decimals and no trailing zeros.
fn trimmed(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// A readable span: 45 s, 10 min, 3 h, 2 d.
pub fn span_text(ms: i64) -> String {
    match ms {
        ms if ms < 120_000 => format!("{} s", ms / 1_000),
        ms if ms < 7_200_000 => format!("{} min", ms / 60_000),
        ms if ms < 172_800_000 => format!("{} h", ms / 3_600_000),
        ms => format!("{} d", ms / 86_400_000),
    }
}

/// A size in bytes as people read it: 512 B, 4.5 KiB, 1.02 MiB, 3.1 GiB.
pub fn bytes_text(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    let decimals = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    format!("{} {}", trimmed(value, decimals), UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_binary_units() {
        assert_eq!(bytes_text(512), "512 B");
        assert_eq!(bytes_text(1_048_576), "1 MiB");
        assert_eq!(bytes_text(5 * 1_048_576 + 1_048_576 / 2), "5.5 MiB");
        assert_eq!(bytes_text(150 * 1024), "150 KiB");
    }

    #[test]
    fn labels_separate_thousands() {
        assert_eq!(grouped(0.0), "0");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(grouped(1_000.0), "1,000");
        assert_eq!(grouped(2_000_000.0), "2,000,000");
        assert_eq!(grouped(1_234_567.6), "1,234,568");
        assert_eq!(grouped(-45_000.0), "-45,000");
    }

    #[test]
    fn large_axis_marks_are_shortened() {
        assert_eq!(axis_count(0.0), "0");
        assert_eq!(axis_count(0.5), "0.5");
        assert_eq!(axis_count(4_000.0), "4000");
        assert_eq!(axis_count(10_000.0), "10k");
        assert_eq!(axis_count(250_000.0), "250k");
        assert_eq!(axis_count(2_000_000.0), "2M");
        assert_eq!(axis_count(1_500_000.0), "1.5M");
        assert_eq!(axis_count(2_097_152_000.0), "2.1G");
        assert_eq!(axis_count(-20_000.0), "-20k");
    }

    #[test]
    fn the_time_axis_reads_as_a_clock() {
        assert_eq!(axis_time(1_780_000_000.0), "20:26:40");
    }
}
