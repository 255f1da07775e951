//! Identicons drawn here from the comment's `avatar` hash: a 5×5 grid,
//! mirrored left to right, in a colour from the same hash. No avatar
//! service ever sees the reader.

/// The SVG markup for `hash` (hex); any input gives some picture.
pub fn svg(hash: &str) -> String {
    let mut nibbles = hash
        .chars()
        .filter_map(|c| c.to_digit(16))
        .chain(std::iter::repeat(0));
    let hue = (0..3).fold(0, |h, _| h * 16 + nibbles.next().unwrap_or(0)) * 360 / 4096;
    let mut path = String::new();
    for row in 0..5 {
        for col in 0..3 {
            if nibbles.next().unwrap_or(0) & 1 == 1 {
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
