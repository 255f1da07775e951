//! Identicons drawn here from the comment's `avatar` hash: a 5×5 grid,
//! mirrored left to right, in a colour from the same hash. No avatar
//! service ever sees the reader. Shared: the widget draws them, and the
//! server's HTML thread draws the same ones.

/// The cells of the left half and middle column, bit `row * 3 + col`.
type Cells = u16;

/// A picture, not a bar or an empty circle: four cells or more, over at
/// least two rows and two columns.
fn is_picture(cells: Cells) -> bool {
    let rows = (0..5).filter(|r| cells >> (r * 3) & 0b111 != 0).count();
    let cols = (0..3)
        .filter(|c| (0..5).any(|r| cells >> (r * 3 + c) & 1 == 1))
        .count();
    cells.count_ones() >= 4 && rows >= 2 && cols >= 2
}

/// `cells`, or when they make no picture, the same hash's cells turned
/// inside out, else a ring: the same hash always draws the same.
fn picture(cells: Cells) -> Cells {
    const RING: Cells = 0b110_001_001_001_110;
    [cells, !cells & 0x7fff, RING]
        .into_iter()
        .find(|&c| is_picture(c))
        .unwrap_or(RING)
}

/// The SVG markup for `hash` (hex); any input gives some picture.
pub fn svg(hash: &str) -> String {
    let mut nibbles = hash
        .chars()
        .filter_map(|c| c.to_digit(16))
        .chain(std::iter::repeat(0));
    let hue = (0..3).fold(0, |h, _| h * 16 + nibbles.next().unwrap_or(0)) * 360 / 4096;
    let cells = (0..15).fold(0, |cells: Cells, i| {
        cells | Cells::from(nibbles.next().unwrap_or(0) & 1 == 1) << i
    });
    let cells = picture(cells);
    let mut path = String::new();
    for row in 0..5 {
        for col in 0..3 {
            if cells >> (row * 3 + col) & 1 == 1 {
                path += &format!("M{col} {row}h1v1h-1z");
                if col < 2 {
                    path += &format!("M{} {row}h1v1h-1z", 4 - col);
                }
            }
        }
    }
    format!(
        r#"<svg viewBox="-1 -1 7 7" width="36" height="36"><path fill="hsl({hue} 55% 42%)" d="{path}"/></svg>"#
    )
}

#[cfg(test)]
mod tests {
    use super::svg;

    #[test]
    fn every_hash_draws_a_picture_not_a_bar_or_an_empty_circle() {
        for cells in 0..=0x7fff {
            assert!(super::is_picture(super::picture(cells)), "{cells:015b}");
        }
        assert!(
            !super::is_picture(0b010_010_010_010_010),
            "a bar is no picture"
        );
        assert!(!super::is_picture(0), "nor an empty circle");
    }

    #[test]
    fn the_same_hash_draws_the_same_symmetric_picture() {
        let a = svg("ffffffffffffffffffff");
        assert_eq!(a, svg("ffffffffffffffffffff"));
        // 15 cells set, 10 of them mirrored: 25 squares.
        assert_eq!(a.matches('z').count(), 25);
        assert_ne!(a, svg("0123456789abcdef0123"));
    }

    #[test]
    fn an_empty_hash_still_draws_an_image() {
        assert!(svg("").starts_with("<svg"));
    }
}
