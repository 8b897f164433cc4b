//! The name lists the tagger consults: the keys ([`super::key`]) of person-name parts
//! (rigour's 682,516 given-name and surname spellings across scripts) and of place
//! names (GeoNames cities and regions, rigour territories) and of organisation-name
//! words (what spaCy and natasha mark as organisations in the shared news corpora more
//! often than anything else), each stored as a sorted array of 32-bit key hashes and
//! held as a hash set. `examples/ner_train.rs` makes them from `../shared/data/names/`
//! and the silver labels. One more, the organisation names, is no feature of the
//! tagger: the same count over more silver text, which settles a one-word name that
//! both it and the place list hold (*Xinhua*).

use rustc_hash::FxHashSet;
use xxhash_rust::xxh3::xxh3_64;

static PERSONS: &[u8] = include_bytes!("persons.bin");
static PLACES: &[u8] = include_bytes!("places.bin");
static COMMON: &[u8] = include_bytes!("common.bin");
static ORGS: &[u8] = include_bytes!("orgs.bin");
static ORG_NAMES: &[u8] = include_bytes!("org_names.bin");

/// Three sets of key hashes the tagger's features read, one of lower-cased common
/// words, and the organisation names that only settle a kind after tagging.
pub struct Lists {
    persons: FxHashSet<u32>,
    places: FxHashSet<u32>,
    orgs: FxHashSet<u32>,
    /// Keys of words the silver labels put inside organisations' names (counted over
    /// more text than the tagger trains on): [`Lists::org_name`].
    org_names: FxHashSet<u32>,
    /// Words the reference news writes in lower case at least as often as capitalised
    /// (mayor, air, said): capitalised, they are rarely a name on their own.
    common: FxHashSet<u32>,
}

impl Lists {
    /// The lists baked into the binary.
    pub fn baked() -> Lists {
        Lists {
            persons: decode(PERSONS),
            places: decode(PLACES),
            orgs: decode(ORGS),
            org_names: decode(ORG_NAMES),
            common: decode(COMMON),
        }
    }

    /// Lists from keys (for training).
    pub fn from_keys<'k>(
        persons: impl Iterator<Item = &'k str>,
        places: impl Iterator<Item = &'k str>,
        orgs: impl Iterator<Item = &'k str>,
        common: impl Iterator<Item = &'k str>,
    ) -> Lists {
        let set = |keys: &mut dyn Iterator<Item = &'k str>| {
            keys.filter(|k| !k.is_empty()).map(key_hash).collect()
        };
        Lists {
            persons: set(&mut { persons }),
            places: set(&mut { places }),
            orgs: set(&mut { orgs }),
            org_names: FxHashSet::default(),
            common: common.map(|w| word_hash(xxh3_64(w.as_bytes()))).collect(),
        }
    }

    /// These lists with these organisation names (for training and tests).
    pub fn with_org_names<'k>(mut self, keys: impl Iterator<Item = &'k str>) -> Lists {
        self.org_names = keys.filter(|k| !k.is_empty()).map(key_hash).collect();
        self
    }

    pub fn person(&self, key: &str) -> bool {
        !key.is_empty() && self.persons.contains(&key_hash(key))
    }

    pub fn place(&self, key: &str) -> bool {
        !key.is_empty() && self.places.contains(&key_hash(key))
    }

    pub fn org(&self, key: &str) -> bool {
        !key.is_empty() && self.orgs.contains(&key_hash(key))
    }

    /// Whether the news writes this word inside organisations' names most of the times
    /// it writes it capitalised, counted over all the silver text (not a feature: the
    /// tagger trains with [`Lists::org`]).
    pub fn org_name(&self, key: &str) -> bool {
        !key.is_empty() && self.org_names.contains(&key_hash(key))
    }

    /// Whether a lower-cased word (given as its xxh3 hash) is a common word.
    pub fn common(&self, lower_hash: u64) -> bool {
        self.common.contains(&word_hash(lower_hash))
    }

    /// The lists in their stored form (sorted little-endian u32), for writing out:
    /// persons, places, organisations, common words, organisation names.
    pub fn encoded(&self) -> [Vec<u8>; 5] {
        [
            encode(&self.persons),
            encode(&self.places),
            encode(&self.orgs),
            encode(&self.common),
            encode(&self.org_names),
        ]
    }
}

/// Whether a lower-cased word is in the baked common-word list, searched in place (the
/// alias filter asks this of a few words per text, and of queries: decoding the list
/// into a set would cost every process more than all the lookups).
pub fn common_word(lower: &str) -> bool {
    let wanted = word_hash(xxh3_64(lower.as_bytes()));
    let n = COMMON.len() / 4;
    let at = |i: usize| {
        u32::from_le_bytes([
            COMMON[i * 4],
            COMMON[i * 4 + 1],
            COMMON[i * 4 + 2],
            COMMON[i * 4 + 3],
        ])
    };
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = (lo + hi) / 2;
        match at(mid).cmp(&wanted) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

fn word_hash(lower_hash: u64) -> u32 {
    (lower_hash >> 32) as u32
}

fn key_hash(key: &str) -> u32 {
    (xxh3_64(key.as_bytes()) >> 32) as u32
}

fn encode(set: &FxHashSet<u32>) -> Vec<u8> {
    let mut hashes: Vec<u32> = set.iter().copied().collect();
    hashes.sort_unstable();
    hashes.iter().flat_map(|h| h.to_le_bytes()).collect()
}

fn decode(bytes: &[u8]) -> FxHashSet<u32> {
    bytes
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}
