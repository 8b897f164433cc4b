//! The compiled table's binary form: laid out by [`encode`], read in place by [`Baked`] (the built-in table is baked into the binary by `build.rs`).

use std::borrow::Cow;

use super::{fingerprint, Case, Compiled, Entity, Form, Kind};

/// Size of the word-form Bloom filter: 8 bits per form (the table is at most half
/// full: 4 bits per slot), for about 5% false positives; at least 2^21 bits.
fn bloom_bytes(slots: usize) -> usize {
    (slots / 2).max(1 << 18)
}

/// The two filter bits of a form hash, from bits the slot index does not use.
fn bloom_bits(hash: u64, bloom_bytes: usize) -> [usize; 2] {
    let m = bloom_bytes * 8 - 1;
    [(hash >> 41) as usize & m, (hash >> 22) as usize & m]
}

/// The form of `hash` in a table of `slots` form slots (a power of two) that `bytes`
/// starts with, by linear probing from the slot the hash names.
fn probe(bytes: &[u8], slots: usize, hash: u64) -> Option<Form> {
    let mask = slots - 1;
    let mut i = hash as usize & mask;
    loop {
        let slot = &bytes[i * SLOT..(i + 1) * SLOT];
        match read_u64(slot, 0) {
            0 => return None,
            k if k == hash => return Some(Form::unpack(read_u32(&slot[8..], 0))),
            _ => i = (i + 1) & mask,
        }
    }
}

/// The word forms the reference news writes most (`examples/frequent_forms.rs`).
static FREQUENT_FORMS: &str = include_str!("../frequent_forms.txt");

/// Magic and version of the binary form; bump the digit when the layout changes.
const MAGIC: &[u8; 8] = b"GZALIAS7";
/// Header: slots, keys, classes, entities, text bytes, frequent-form slots, spellings,
/// id bytes (u32 each), then the 16-character fingerprint.
const HEADER: usize = MAGIC.len() + 8 * 4 + 16;
/// Bytes of a word-form slot: the u64 form hash, then its u32 packed [`Form`].
const SLOT: usize = 12;
/// Case rule bits in a key's packed entity.
const CASE_SHIFT: u32 = 30;
/// The solo bit of a key's packed entity (see [`Entity::solo`]).
const SOLO: u32 = 1 << 29;
/// The entity index in a key's packed entity.
const ENTITY_MASK: u32 = SOLO - 1;

/// The bytes of an open-addressing table of `slots` slots (a power of two) holding
/// `forms` (hash and packed form, each once), read by [`probe`].
fn slot_table(forms: &[(u64, u32)], slots: usize) -> Vec<u8> {
    let mask = slots - 1;
    let mut out = vec![0u8; slots * SLOT];
    for &(hash, value) in forms {
        let mut i = hash as usize & mask;
        while read_u64(&out[i * SLOT..], 0) != 0 {
            i = (i + 1) & mask;
        }
        out[i * SLOT..i * SLOT + 8].copy_from_slice(&hash.to_le_bytes());
        out[i * SLOT + 8..(i + 1) * SLOT].copy_from_slice(&value.to_le_bytes());
    }
    out
}

/// Lays a compiled table out as the bytes [`Baked`] reads in place. Sections, after the
/// header (little-endian throughout):
/// - word forms: an open-addressing table with linear probing, at most half full so
///   that a miss (most words are no name) costs one or two probes: `slots` slots of a u64
///   form hash (0: empty) and its u32 packed [`Form`] side by side, so that a found form
///   costs a process one page fault rather than two (a fresh `search oil` took ~210
///   faults in these 25 MB, ~9 µs each on the VM measured); then a Bloom filter of the
///   forms (two bits each), which fits in the CPU cache where the table does not; then
///   the frequent forms (`frequent_forms.txt`: those the reference news writes most,
///   *the*, *new*, *bank*, half the words of a passage) again, in a table of their own
///   laid out as the first, a few hundred KB that a process maps in a few faults;
/// - spelling keys, sorted by class sequence: u32 start of each key's classes (one more
///   than the keys), u32 entity index and case rule per key, then the classes;
/// - entities: u32 byte offset of each entity's line (one more than the entities), the
///   entity indices sorted by id, each entity's keys (u32 start per entity, one more
///   than the entities, then the key indices), then the lines: id, name, kind,
///   spellings, cased, solo and indeclinable spellings separated by tabs, list items
///   by U+001F;
/// - ids, sorted: u32 start of each id (one more than the entities), u32 entity index of
///   each, then the ids' bytes. An id's binary search reads these 1 MB rather than a
///   line in each of 16 pages of the 3.5 MB of lines (a terminal passage looks up each
///   entity it marks by id).
pub fn encode(entities: &[Entity], c: &Compiled) -> Vec<u8> {
    let slots = (c.forms.len() * 2).next_power_of_two().max(16);
    // In hash order, so that the same table always gives the same bytes.
    let mut forms: Vec<(u64, u32)> = c.forms.iter().map(|(h, f)| (*h, f.pack())).collect();
    forms.sort_unstable();
    let mut bloom = vec![0u8; bloom_bytes(slots)];
    for &(hash, _) in &forms {
        for bit in bloom_bits(hash, bloom.len()) {
            bloom[bit / 8] |= 1 << (bit % 8);
        }
    }
    let form_slots = slot_table(&forms, slots);
    // The frequent forms this table has, in a table of their own.
    let mut frequent: Vec<(u64, u32)> = FREQUENT_FORMS
        .lines()
        .filter_map(|w| {
            let h = super::forms::form_hash(w);
            c.forms.get(&h).map(|f| (h, f.pack()))
        })
        .collect();
    frequent.sort_unstable();
    frequent.dedup();
    let hot_slots = (frequent.len() * 2).next_power_of_two().max(16);
    let hot_table = slot_table(&frequent, hot_slots);
    let mut key_start = vec![0u32];
    let mut key_meta = Vec::new();
    let mut classes = Vec::new();
    for (seq, entity, case, solo) in &c.keys {
        classes.extend_from_slice(seq);
        key_start.push(classes.len() as u32);
        key_meta.push(entity | (*case as u32) << CASE_SHIFT | if *solo { SOLO } else { 0 });
    }
    let mut text = String::new();
    let mut entity_start = vec![0u32];
    for e in entities {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            e.id,
            e.name,
            e.kind.as_str(),
            e.spellings.join("\u{1f}"),
            e.cased.join("\u{1f}"),
            e.solo.join("\u{1f}"),
            e.indeclinable.join("\u{1f}")
        ));
        entity_start.push(text.len() as u32);
    }
    let mut id_order: Vec<u32> = (0..entities.len() as u32).collect();
    id_order.sort_by(|&a, &b| entities[a as usize].id.cmp(&entities[b as usize].id));
    let mut id_start = vec![0u32];
    let mut ids = String::new();
    for &e in &id_order {
        ids.push_str(&entities[e as usize].id);
        id_start.push(ids.len() as u32);
    }
    // Each entity's keys, so that its word classes are found without a scan of all keys.
    let mut by_entity: Vec<Vec<u32>> = vec![Vec::new(); entities.len()];
    for (k, (_, entity, _, _)) in c.keys.iter().enumerate() {
        by_entity[*entity as usize].push(k as u32);
    }
    let mut entity_keys_start = vec![0u32];
    let mut entity_keys = Vec::with_capacity(c.keys.len());
    for list in by_entity {
        entity_keys.extend(list);
        entity_keys_start.push(entity_keys.len() as u32);
    }

    let mut out = MAGIC.to_vec();
    for n in [
        slots,
        c.keys.len(),
        classes.len(),
        entities.len(),
        text.len(),
        hot_slots,
        c.spelling_count,
        ids.len(),
    ] {
        out.extend_from_slice(&(n as u32).to_le_bytes());
    }
    out.extend_from_slice(fingerprint(entities).as_bytes());
    out.extend_from_slice(&form_slots);
    out.extend_from_slice(&bloom);
    out.extend_from_slice(&hot_table);
    for section in [
        &key_start,
        &key_meta,
        &classes,
        &entity_start,
        &entity_keys_start,
        &entity_keys,
        &id_start,
        &id_order,
    ] {
        section
            .iter()
            .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
    }
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(ids.as_bytes());
    out
}

/// A table laid out by [`encode`], read in place: nothing is decoded or built when it is
/// opened, so the table baked into the binary costs a process nothing at start-up.
pub struct Baked {
    bytes: Cow<'static, [u8]>,
    slots: usize,
    hot_slots: usize,
    keys: usize,
    entities: usize,
    spelling_count: usize,
    // Byte offsets of the sections.
    bloom: usize,
    hot: usize,
    key_start: usize,
    key_meta: usize,
    classes: usize,
    entity_start: usize,
    entity_keys_start: usize,
    entity_keys: usize,
    id_start: usize,
    id_order: usize,
    text: usize,
    ids: usize,
}

impl Baked {
    /// Checks the layout of `bytes`; `None` if they are not a table of this version.
    pub fn new(bytes: Cow<'static, [u8]>) -> Option<Baked> {
        let b = bytes.strip_prefix(MAGIC)?;
        let h = |i: usize| read_u32(b, i) as usize;
        if b.len() < HEADER - MAGIC.len() {
            return None;
        }
        let (slots, keys, classes, entities, text_len) = (h(0), h(1), h(2), h(3), h(4));
        let (hot_slots, ids_len) = (h(5), h(7));
        if !slots.is_power_of_two() || !hot_slots.is_power_of_two() {
            return None;
        }
        let bloom = HEADER + slots * SLOT;
        let hot = bloom + bloom_bytes(slots);
        let key_start = hot + hot_slots * SLOT;
        let key_meta = key_start + (keys + 1) * 4;
        let class_at = key_meta + keys * 4;
        let entity_start = class_at + classes * 4;
        let entity_keys_start = entity_start + (entities + 1) * 4;
        let entity_keys = entity_keys_start + (entities + 1) * 4;
        let id_start = entity_keys + keys * 4;
        let id_order = id_start + (entities + 1) * 4;
        let text = id_order + entities * 4;
        let ids = text + text_len;
        if bytes.len() != ids + ids_len {
            return None;
        }
        // The fingerprint must read as text; entity lines are checked one by one as
        // they are read (checking the whole text here cost more than the rest of opening).
        std::str::from_utf8(&bytes[HEADER - 16..HEADER]).ok()?;
        let baked = Baked {
            slots,
            hot_slots,
            hot,
            keys,
            entities,
            spelling_count: h(6),
            bloom,
            key_start,
            key_meta,
            classes: class_at,
            entity_start,
            entity_keys_start,
            entity_keys,
            id_start,
            id_order,
            text,
            ids,
            bytes,
        };
        // Offsets inside their sections, so that reads never go out of bounds. Only
        // `encode` writes tables (the built-in one at build time), so release builds
        // trust them: checking 150,000 keys and 46,000 entities is ~0.5 ms of every
        // process, and debug builds (the tests) still check each one.
        let ok = !cfg!(debug_assertions)
            || (0..=keys).all(|k| baked.u32_at(key_start, k) as usize <= classes)
                && (0..=entities).all(|e| baked.u32_at(entity_start, e) as usize <= text_len)
                && (0..keys).all(|k| (baked.u32_at(key_meta, k) & ENTITY_MASK) < entities as u32)
                && (0..entities).all(|e| (baked.u32_at(id_order, e) as usize) < entities)
                && (0..=entities).all(|e| baked.u32_at(id_start, e) as usize <= ids_len)
                && (0..=entities).all(|e| baked.u32_at(entity_keys_start, e) as usize <= keys)
                && (0..keys).all(|k| (baked.u32_at(entity_keys, k) as usize) < keys);
        ok.then_some(baked)
    }

    fn u32_at(&self, section: usize, i: usize) -> u32 {
        read_u32(&self.bytes[section..], i)
    }

    pub fn fingerprint(&self) -> &str {
        std::str::from_utf8(&self.bytes[HEADER - 16..HEADER]).expect("checked in new")
    }

    /// The layout as [`encode`] wrote it.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn spelling_count(&self) -> usize {
        self.spelling_count
    }

    /// The form of a word form's hash (see [`form_hash`]).
    pub fn form(&self, hash: u64) -> Option<Form> {
        // The frequent forms first: most found forms are there.
        self.frequent_form(hash).or_else(|| self.all_forms(hash))
    }

    /// [`Baked::form`] from the frequent forms' own table alone.
    pub(crate) fn frequent_form(&self, hash: u64) -> Option<Form> {
        probe(&self.bytes[self.hot..], self.hot_slots, hash)
    }

    /// [`Baked::form`] from the whole table, its frequent forms' own table aside.
    pub(crate) fn all_forms(&self, hash: u64) -> Option<Form> {
        let size = bloom_bytes(self.slots);
        let bloom = &self.bytes[self.bloom..self.bloom + size];
        if !bloom_bits(hash, size)
            .iter()
            .all(|&bit| bloom[bit / 8] & (1 << (bit % 8)) != 0)
        {
            return None;
        }
        probe(&self.bytes[HEADER..], self.slots, hash)
    }

    /// How many word forms the table holds (counted: only tests and tools ask).
    pub fn form_count(&self) -> usize {
        let slots = &self.bytes[HEADER..self.bloom];
        (0..self.slots)
            .filter(|&i| read_u64(&slots[i * SLOT..], 0) != 0)
            .count()
    }

    /// The entity a class sequence spells, and its case rule: a binary search on the
    /// first class (one read per step), then the few keys that start with it. (The
    /// analyzer asks [`Baked::keys_from`] and [`Baked::prefixes_of`] instead.)
    #[cfg(test)]
    pub fn lookup(&self, seq: &[u32]) -> Option<(u32, Case)> {
        let mut found = None;
        let (keys, _) = self.keys_from(*seq.first()?);
        self.prefixes_of(keys, seq, |len, entity, case, _| {
            if len == seq.len() && found.is_none() {
                found = Some((entity, case));
            }
        });
        found
    }

    /// The keys that start with class `first` (by index, in key order) and the most
    /// words any of them has: 0 when no spelling starts with that class, so that a word
    /// that only ever ends a name needs no look-ahead.
    pub fn keys_from(&self, first: u32) -> (std::ops::Range<usize>, usize) {
        let (mut lo, mut hi) = (0, self.keys);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.key_class(mid, 0) < first {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let mut end = lo;
        let mut longest = 0;
        while end < self.keys && self.key_len(end) > 0 && self.key_class(end, 0) == first {
            longest = longest.max(self.key_len(end));
            end += 1;
        }
        (lo..end, longest)
    }

    /// Calls `each(words, entity, case, solo)` for every spelling of `keys` (see
    /// [`Baked::keys_from`]) whose class sequence is a prefix of `seq`, in key order.
    pub fn prefixes_of(
        &self,
        keys: std::ops::Range<usize>,
        seq: &[u32],
        mut each: impl FnMut(usize, u32, Case, bool),
    ) {
        for k in keys {
            let len = self.key_len(k);
            if len <= seq.len() && (1..len).all(|i| self.key_class(k, i) == seq[i]) {
                let packed = self.u32_at(self.key_meta, k);
                let case = match packed >> CASE_SHIFT {
                    1 => Case::Capitalised,
                    2 => Case::Upper,
                    _ => Case::Any,
                };
                each(len, packed & ENTITY_MASK, case, packed & SOLO != 0);
            }
        }
    }

    /// Class `i` of key `k`.
    fn key_class(&self, k: usize, i: usize) -> u32 {
        self.u32_at(self.classes, self.u32_at(self.key_start, k) as usize + i)
    }

    /// How many words key `k` has.
    fn key_len(&self, k: usize) -> usize {
        (self.u32_at(self.key_start, k + 1) - self.u32_at(self.key_start, k)) as usize
    }

    /// Every word class used by a spelling of entity `entity`.
    pub fn classes_of(&self, entity: u32) -> Vec<u32> {
        let (first, last) = (
            self.u32_at(self.entity_keys_start, entity as usize) as usize,
            self.u32_at(self.entity_keys_start, entity as usize + 1) as usize,
        );
        let mut out: Vec<u32> = (first..last)
            .map(|i| self.u32_at(self.entity_keys, i) as usize)
            .flat_map(|k| {
                let (from, to) = (
                    self.u32_at(self.key_start, k) as usize,
                    self.u32_at(self.key_start, k + 1) as usize,
                );
                (from..to).map(move |i| self.u32_at(self.classes, i))
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    pub fn entity_count(&self) -> usize {
        self.entities
    }

    /// Entity `i`, decoded from its line.
    pub fn entity(&self, i: usize) -> Entity {
        let line = self.line(i);
        let mut f = line.split('\t');
        let mut next = || f.next().unwrap_or_default();
        let list = |s: &str| -> Vec<String> {
            if s.is_empty() {
                Vec::new()
            } else {
                s.split('\u{1f}').map(str::to_string).collect()
            }
        };
        let (id, name, kind) = (next(), next(), next());
        Entity {
            id: id.to_string(),
            name: name.to_string(),
            kind: Kind::parse(kind).unwrap_or(Kind::Place),
            spellings: list(next()),
            cased: list(next()),
            solo: list(next()),
            indeclinable: list(next()),
        }
    }

    fn line(&self, i: usize) -> &str {
        std::str::from_utf8(self.line_bytes(i))
            .unwrap_or_default()
            .trim_end_matches('\n')
    }

    /// Entity line `i` as bytes (a line read from a damaged table is empty rather than a
    /// panic).
    fn line_bytes(&self, i: usize) -> &[u8] {
        let (from, to) = (
            self.u32_at(self.entity_start, i) as usize,
            self.u32_at(self.entity_start, i + 1) as usize,
        );
        self.bytes
            .get(self.text + from..self.text + to)
            .unwrap_or_default()
    }

    /// The index of the entity with id `id` (binary search over the sorted ids).
    pub fn entity_index(&self, id: &str) -> Option<u32> {
        let (mut lo, mut hi) = (0, self.entities);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let (from, to) = (
                self.u32_at(self.id_start, mid) as usize,
                self.u32_at(self.id_start, mid + 1) as usize,
            );
            let this = self
                .bytes
                .get(self.ids + from..self.ids + to)
                .unwrap_or_default();
            match this.cmp(id.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(self.u32_at(self.id_order, mid)),
            }
        }
        None
    }
}

fn read_u64(bytes: &[u8], slot: usize) -> u64 {
    u64::from_le_bytes(bytes[slot * 8..slot * 8 + 8].try_into().expect("8 bytes"))
}

fn read_u32(bytes: &[u8], slot: usize) -> u32 {
    u32::from_le_bytes(bytes[slot * 4..slot * 4 + 4].try_into().expect("4 bytes"))
}
