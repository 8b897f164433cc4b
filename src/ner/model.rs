//! The tagger: an averaged perceptron over hashed features, decoding greedily left to
//! right with BIO labels (a name's first word B, the others I). Training lives here too
//! (`examples/ner_train.rs` drives it); the product only decodes, with weights baked
//! into the binary as 16-bit integers.

use super::features::{
    into_space, label_features, scored, space, static_features, FactCache, Listed,
};
use super::lists::Lists;
use super::tokens::Word;

/// O, then B and I for person, organisation, place.
pub const LABELS: usize = 7;
/// Hash buckets: 2^18 features × 7 labels × 2 bytes = 3.7 MB of weights.
pub const BUCKET_BITS: u32 = 18;
const BUCKETS: usize = 1 << BUCKET_BITS;
const MAGIC: &[u8; 8] = b"GZNER001";

/// A training label for a word whose truth is unknown: the decoder's label stands and
/// the weights are not moved (silver labels the labeller is known to be unreliable on).
pub const UNKNOWN: u8 = u8::MAX;

/// The kind a label names: 0 person, 1 organisation, 2 place; `None` for O.
pub fn label_kind(label: u8) -> Option<u8> {
    (label > 0).then(|| (label - 1) / 2)
}

/// Whether a label starts a name.
pub fn label_begins(label: u8) -> bool {
    label > 0 && label % 2 == 1
}

/// Whether `label` may follow `prev`: an I continues a name of its own kind.
fn allowed(prev: u8, label: u8) -> bool {
    label == 0 || label_begins(label) || (prev != 0 && label_kind(prev) == label_kind(label))
}

fn bucket(feature: u64) -> usize {
    (feature >> (64 - BUCKET_BITS)) as usize
}

/// Where weights come from: the baked 16-bit table, or the training floats.
pub trait Weights {
    fn add(&self, feature: u64, scores: &mut [f32; LABELS]);
}

/// The baked weights: a header, a scale, then `BUCKETS × LABELS` little-endian i16,
/// decoded once into memory (3.7 MB, about a millisecond) for aligned access.
pub struct Baked {
    w: Vec<i16>,
    scale: f32,
}

impl Baked {
    pub fn new(bytes: &[u8]) -> Option<Baked> {
        if bytes.len() != 12 + BUCKETS * LABELS * 2 || &bytes[..8] != MAGIC {
            return None;
        }
        let scale = f32::from_le_bytes(bytes[8..12].try_into().ok()?);
        let w = bytes[12..]
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
            .collect();
        Some(Baked { w, scale })
    }
}

impl Weights for Baked {
    fn add(&self, feature: u64, scores: &mut [f32; LABELS]) {
        let at = bucket(feature) * LABELS;
        let row = &self.w[at..at + LABELS];
        for (s, v) in scores.iter_mut().zip(row) {
            *s += *v as f32 * self.scale;
        }
    }
}

/// Training weights with the running sums that averaging needs.
pub struct Training {
    w: Vec<f32>,
    /// Sum of (update × step) per weight: the average is `w - u / steps`.
    u: Vec<f32>,
    steps: f32,
}

impl Default for Training {
    fn default() -> Self {
        Training {
            w: vec![0.0; BUCKETS * LABELS],
            u: vec![0.0; BUCKETS * LABELS],
            steps: 1.0,
        }
    }
}

impl Weights for Training {
    fn add(&self, feature: u64, scores: &mut [f32; LABELS]) {
        let at = bucket(feature) * LABELS;
        for (l, s) in scores.iter_mut().enumerate() {
            *s += self.w[at + l];
        }
    }
}

impl Training {
    /// One pass over a sequence: decode with the current weights and move them towards
    /// the gold labels where the decoder went wrong. Returns the number of errors.
    pub fn learn(
        &mut self,
        text: &str,
        words: &[Word],
        listed: &[Listed],
        lists: &Lists,
        lang: &str,
        gold: &[u8],
    ) -> usize {
        let mut feats = Vec::new();
        let mut cache = FactCache::new(text, words.len());
        let (mut prev, mut prev2) = (0u8, 0u8);
        let mut errors = 0;
        let space = space(lang);
        for (i, &truth) in gold.iter().enumerate().take(words.len()) {
            let best = if scored(words, listed, &mut cache, lists, i, prev) {
                static_features(words, listed, lists, &mut cache, lang, i, &mut feats);
                label_features(words, &mut cache, lists, i, prev, prev2, &mut feats);
                into_space(space, &mut feats);
                let best = best_label(self, &feats, prev);
                if truth != UNKNOWN && best != truth {
                    for &f in &feats {
                        let at = bucket(f) * LABELS;
                        for (l, d) in [(truth, 1.0f32), (best, -1.0)] {
                            self.w[at + l as usize] += d;
                            self.u[at + l as usize] += d * self.steps;
                        }
                    }
                }
                self.steps += 1.0;
                best
            } else {
                0
            };
            errors += usize::from(truth != UNKNOWN && best != truth);
            // Later words see the labels the decoder gave, as they will in use.
            prev2 = prev;
            prev = best;
        }
        errors
    }

    /// The averaged weights, as floats (for evaluating during training).
    pub fn averaged(&self) -> Training {
        let w = self
            .w
            .iter()
            .zip(&self.u)
            .map(|(w, u)| w - u / self.steps)
            .collect();
        Training {
            w,
            u: Vec::new(),
            steps: self.steps,
        }
    }

    /// The averaged weights in the baked format.
    pub fn bake(&self) -> Vec<u8> {
        let avg = self.averaged();
        let max = avg.w.iter().fold(0f32, |m, v| m.max(v.abs())).max(1e-6);
        let scale = max / i16::MAX as f32;
        let mut out = Vec::with_capacity(12 + avg.w.len() * 2);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&scale.to_le_bytes());
        for v in &avg.w {
            out.extend_from_slice(&((v / scale).round() as i16).to_le_bytes());
        }
        out
    }
}

fn best_label(weights: &dyn Weights, feats: &[u64], prev: u8) -> u8 {
    let mut scores = [0f32; LABELS];
    for &f in feats {
        weights.add(f, &mut scores);
    }
    (0..LABELS as u8)
        .filter(|&l| allowed(prev, l))
        .max_by(|&a, &b| scores[a as usize].total_cmp(&scores[b as usize]))
        .unwrap_or(0)
}

/// The labels of a sequence of words.
pub fn decode(
    weights: &dyn Weights,
    text: &str,
    words: &[Word],
    listed: &[Listed],
    lists: &Lists,
    lang: &str,
) -> Vec<u8> {
    let mut feats = Vec::new();
    let mut cache = FactCache::new(text, words.len());
    let mut out = Vec::with_capacity(words.len());
    let (mut prev, mut prev2) = (0u8, 0u8);
    let space = space(lang);
    for i in 0..words.len() {
        let best = if scored(words, listed, &mut cache, lists, i, prev) {
            static_features(words, listed, lists, &mut cache, lang, i, &mut feats);
            label_features(words, &mut cache, lists, i, prev, prev2, &mut feats);
            into_space(space, &mut feats);
            best_label(weights, &feats, prev)
        } else {
            0
        };
        out.push(best);
        prev2 = prev;
        prev = best;
    }
    out
}
