//! The simulated camera's picture: colour bars, a square crossing the frame once every four
//! seconds, and the virtual time burned in (UTC, to the millisecond) — so a frame decoded from
//! the archive says when it was taken.

/// The bars' colours (SMPTE order).
pub const BARS: [[u8; 3]; 7] = [
    [192, 192, 192],
    [192, 192, 0],
    [0, 192, 192],
    [0, 192, 0],
    [192, 0, 192],
    [192, 0, 0],
    [0, 0, 192],
];

/// 5×7 glyphs of `0`–`9`, `:`, `.`, `-` and space, a row a byte (bit 4 = leftmost).
fn glyph(c: char) -> [u8; 7] {
    match c {
        '0' => [0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E],
        '1' => [0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E],
        '2' => [0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F],
        '3' => [0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E],
        '4' => [0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02],
        '5' => [0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E],
        '6' => [0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E],
        '7' => [0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
        '8' => [0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E],
        '9' => [0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C],
        ':' => [0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00],
        '.' => [0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C],
        '-' => [0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00],
        _ => [0; 7],
    }
}

/// An RGB24 picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

impl Picture {
    fn fill(&mut self, x0: u32, y0: u32, w: u32, h: u32, color: [u8; 3]) {
        for y in y0..(y0 + h).min(self.height) {
            for x in x0..(x0 + w).min(self.width) {
                let at = ((y * self.width + x) * 3) as usize;
                self.rgb[at..at + 3].copy_from_slice(&color);
            }
        }
    }

    /// Adds grain of up to ±`amount` to every channel, different in every picture `seed` names:
    /// detail a fixed bitrate cannot hold, as a busy scene gives a real camera.
    pub fn add_grain(&mut self, amount: u8, seed: i64) {
        if amount == 0 {
            return;
        }
        let span = u64::from(amount) * 2 + 1;
        let mut state = (seed as u64) ^ 0x9e37_79b9_7f4a_7c15;
        for value in &mut self.rgb {
            // xorshift64: cheap, and the same pictures every run.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let offset = (state % span) as i16 - i16::from(amount);
            *value = (i16::from(*value) + offset).clamp(0, 255) as u8;
        }
    }

    /// The colour at `(x, y)`.
    pub fn at(&self, x: u32, y: u32) -> [u8; 3] {
        let at = ((y * self.width + x) * 3) as usize;
        [self.rgb[at], self.rgb[at + 1], self.rgb[at + 2]]
    }
}

/// `epoch_ms` as `YYYY-MM-DD HH:MM:SS.mmm` (UTC).
pub fn time_text(epoch_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(epoch_ms)
        .unwrap_or_default()
        .format("%Y-%m-%d %H:%M:%S%.3f")
        .to_string()
}

/// The camera's picture at `epoch_ms`.
pub fn draw(width: u32, height: u32, epoch_ms: i64) -> Picture {
    let mut picture = Picture {
        width,
        height,
        rgb: vec![16; (width * height * 3) as usize],
    };
    let bars_height = height * 2 / 3;
    let bar_width = width.div_ceil(BARS.len() as u32);
    for (i, color) in BARS.iter().enumerate() {
        picture.fill(i as u32 * bar_width, 0, bar_width, bars_height, *color);
    }
    // The square crosses the bars every four seconds.
    let side = (height / 6).max(2);
    let travel = width.saturating_sub(side).max(1);
    let x = ((epoch_ms.rem_euclid(4_000) as u64 * u64::from(travel)) / 4_000) as u32;
    picture.fill(x, bars_height / 2 - side / 2, side, side, [255, 255, 255]);
    // The time, in the band below the bars.
    let text = time_text(epoch_ms);
    let fits_width = width / (text.len() as u32 * 6 + 2);
    let scale = ((height - bars_height) / 10).min(fits_width).max(1);
    let text_width = text.len() as u32 * 6 * scale;
    let x0 = width.saturating_sub(text_width) / 2;
    let y0 = bars_height + (height - bars_height).saturating_sub(7 * scale) / 2;
    for (n, c) in text.chars().enumerate() {
        for (row, bits) in glyph(c).iter().enumerate() {
            for col in 0..5 {
                if bits & (0x10 >> col) != 0 {
                    let x = x0 + (n as u32 * 6 + col) * scale;
                    let y = y0 + row as u32 * scale;
                    picture.fill(x, y, scale, scale, [255, 255, 255]);
                }
            }
        }
    }
    picture
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_picture_has_bars_a_moving_square_and_the_time() {
        let a = draw(640, 360, 1_767_225_600_000);
        assert_eq!(a.at(10, 10), BARS[0]);
        assert_eq!(a.at(630, 10), BARS[6]);
        let b = draw(640, 360, 1_767_225_601_000);
        assert_ne!(a, b, "the square has moved and the time changed");
        assert_eq!(time_text(1_767_225_601_250), "2026-01-01 00:00:01.250");
        let white = a
            .rgb
            .chunks(3)
            .skip(640 * 240)
            .filter(|p| p == &[255, 255, 255])
            .count();
        assert!(white > 100, "the time is written below the bars");
    }
}
