//! Korean-aware search for Q&A templates: text is cut into words (runs of letters and digits)
//! and each word into character bigrams, so `배송` finds `배송은`, `배송이`, `배송비`. A template
//! scores by where the query's bigrams and whole words hit — question above tags and category
//! above answer — and results come best first. The index lives in memory, one per brand, and is
//! rebuilt from the store at start and updated on every change.

pub mod postings;
pub mod terms;

use crate::domain::model::{BrandId, Template};
use std::collections::{HashMap, HashSet};

/// Field weights: question hits rank above answer hits.
const W_QUESTION: u32 = 8;
const W_TAG: u32 = 5;
const W_CATEGORY: u32 = 4;
const W_ANSWER: u32 = 2;
/// Extra for a whole-word hit.
const W_WORD: u32 = 3;

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

/// The terms of a text: each word, and each word's character bigrams (a one-letter word is its
/// own term).
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in words(text) {
        let chars: Vec<char> = w.chars().collect();
        if chars.len() >= 2 {
            for pair in chars.windows(2) {
                out.push(format!("\u{1}{}{}", pair[0], pair[1]));
            }
        }
        out.push(w);
    }
    out
}

/// One template's terms with their weights.
fn weighted_terms(t: &Template) -> HashMap<String, u32> {
    let fields = [
        (t.question.as_str(), W_QUESTION),
        (&*t.tags.join(" "), W_TAG),
        (t.category.as_str(), W_CATEGORY),
        (t.answer.as_str(), W_ANSWER),
    ];
    let mut contrib: HashMap<String, u32> = HashMap::new();
    for (text, w) in fields {
        let mut seen = HashSet::new();
        for term in terms(text) {
            if seen.insert(term.clone()) {
                let bonus = if term.starts_with('\u{1}') { 0 } else { W_WORD };
                let e = contrib.entry(term).or_default();
                *e = (*e).max(w + bonus);
            }
        }
    }
    contrib
}

/// An inverted index over dense slots: `postings[term]` lists (slot, weight).
#[derive(Default)]
pub struct TemplateIndex {
    slots: Vec<Option<Template>>,
    by_id: HashMap<u64, u32>,
    free: Vec<u32>,
    postings: HashMap<String, Vec<(u32, u32)>>,
}

impl TemplateIndex {
    pub fn build(templates: impl IntoIterator<Item = Template>) -> Self {
        let mut ix = TemplateIndex::default();
        for t in templates {
            ix.upsert(t);
        }
        ix
    }

    pub fn upsert(&mut self, t: Template) {
        self.remove(t.id);
        let slot = self.free.pop().unwrap_or_else(|| {
            self.slots.push(None);
            (self.slots.len() - 1) as u32
        });
        for (term, w) in weighted_terms(&t) {
            self.postings.entry(term).or_default().push((slot, w));
        }
        self.by_id.insert(t.id, slot);
        self.slots[slot as usize] = Some(t);
    }

    pub fn remove(&mut self, id: u64) {
        let Some(slot) = self.by_id.remove(&id) else {
            return;
        };
        if let Some(old) = self.slots[slot as usize].take() {
            for term in weighted_terms(&old).into_keys() {
                if let Some(p) = self.postings.get_mut(&term) {
                    p.retain(|(s, _)| *s != slot);
                    if p.is_empty() {
                        self.postings.remove(&term);
                    }
                }
            }
        }
        self.free.push(slot);
    }

    pub fn get(&self, id: u64) -> Option<&Template> {
        self.by_id
            .get(&id)
            .and_then(|s| self.slots[*s as usize].as_ref())
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Templates matching every word of the query, best first. A word matches a template when
    /// all of the word's bigrams occur in it (or, for a one-letter word, the word itself). An
    /// empty query lists all in category order. `category` filters.
    pub fn search(&self, query: &str, category: Option<&str>, limit: usize) -> Vec<&Template> {
        let in_cat = |t: &&Template| category.is_none_or(|c| t.category == c);
        let qwords = words(query);
        if qwords.is_empty() {
            let mut all: Vec<&Template> = self.slots.iter().flatten().filter(in_cat).collect();
            all.sort_by(|a, b| a.category.cmp(&b.category).then(a.id.cmp(&b.id)));
            all.truncate(limit);
            return all;
        }
        let n = self.slots.len();
        let mut total = vec![0u32; n];
        let mut alive = vec![true; n];
        let mut word_score = vec![0u32; n];
        let mut word_hits = vec![0u16; n];
        for w in &qwords {
            word_score.iter_mut().for_each(|x| *x = 0);
            word_hits.iter_mut().for_each(|x| *x = 0);
            let chars: Vec<char> = w.chars().collect();
            let mut bigrams: Vec<String> = chars
                .windows(2)
                .map(|p| format!("\u{1}{}{}", p[0], p[1]))
                .collect();
            bigrams.sort();
            bigrams.dedup();
            let need = bigrams.len().max(1) as u16;
            for b in &bigrams {
                if let Some(p) = self.postings.get(b) {
                    for &(slot, s) in p {
                        word_score[slot as usize] += s;
                        word_hits[slot as usize] += 1;
                    }
                }
            }
            if let Some(p) = self.postings.get(w.as_str()) {
                for &(slot, s) in p {
                    word_score[slot as usize] += s;
                    if chars.len() < 2 {
                        word_hits[slot as usize] = need;
                    }
                }
            }
            for i in 0..n {
                if alive[i] && word_hits[i] >= need {
                    total[i] += word_score[i];
                } else {
                    alive[i] = false;
                }
            }
        }
        let mut ranked: Vec<(u32, &Template)> = (0..n)
            .filter(|&i| alive[i])
            .filter_map(|i| self.slots[i].as_ref().map(|t| (total[i], t)))
            .filter(|(_, t)| in_cat(t))
            .collect();
        let order =
            |a: &(u32, &Template), b: &(u32, &Template)| b.0.cmp(&a.0).then(a.1.id.cmp(&b.1.id));
        if ranked.len() > limit && limit > 0 {
            ranked.select_nth_unstable_by(limit - 1, order);
            ranked.truncate(limit);
        }
        ranked.sort_by(order);
        ranked.into_iter().map(|(_, t)| t).take(limit).collect()
    }
}

/// Every brand's template index.
#[derive(Default)]
pub struct Templates {
    pub by_brand: dashmap::DashMap<BrandId, std::sync::RwLock<TemplateIndex>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(id: u64, category: &str, q: &str, a: &str, tags: &[&str]) -> Template {
        Template {
            id,
            brand_id: 1,
            category: category.into(),
            question: q.into(),
            answer: a.into(),
            tags: tags.iter().map(|s| s.to_string()).collect(),
            updated_at: None,
        }
    }

    fn ix() -> TemplateIndex {
        TemplateIndex::build([
            t(1, "배송", "배송은 언제 되나요?", "결제 후 1~2일 안에 출고됩니다.", &["출고"]),
            t(2, "배송", "배송비는 얼마인가요?", "3만원 이상 무료배송입니다.", &[]),
            t(3, "반품", "반품하려면 어떻게 하나요?", "마이페이지에서 신청하시면 택배 기사가 방문합니다. 배송이 완료된 뒤 7일 안에 가능합니다.", &["교환"]),
            t(4, "회원", "비밀번호를 잊어버렸어요", "로그인 화면의 비밀번호 찾기를 이용하세요.", &[]),
        ])
    }

    fn ids(v: Vec<&Template>) -> Vec<u64> {
        v.into_iter().map(|t| t.id).collect()
    }

    #[test]
    fn a_stem_finds_its_inflected_forms_and_question_hits_rank_first() {
        let ix = ix();
        // 배송 is in 배송은 (q1), 배송비는 (q2) and 배송이 (answer of 3).
        assert_eq!(ids(ix.search("배송", None, 10)), vec![1, 2, 3]);
        assert_eq!(ids(ix.search("배송비", None, 10)), vec![2]);
    }

    #[test]
    fn every_query_word_must_match() {
        let ix = ix();
        assert_eq!(ids(ix.search("반품 택배", None, 10)), vec![3]);
        assert!(ix.search("반품 비밀번호", None, 10).is_empty());
        assert!(ix.search("환불", None, 10).is_empty());
    }

    #[test]
    fn tags_and_categories_are_searched_and_filter() {
        let ix = ix();
        assert_eq!(ids(ix.search("교환", None, 10)), vec![3]);
        assert_eq!(ids(ix.search("", Some("배송"), 10)), vec![1, 2]);
        assert_eq!(ids(ix.search("배송", Some("반품"), 10)), vec![3]);
    }

    #[test]
    fn edits_and_deletes_update_the_index() {
        let mut ix = ix();
        ix.upsert(t(2, "배송", "택배비 문의", "무료입니다.", &[]));
        assert!(!ids(ix.search("배송비", None, 10)).contains(&2));
        assert_eq!(ids(ix.search("택배비", None, 10)), vec![2]);
        ix.remove(2);
        assert!(ix.search("택배비", None, 10).is_empty());
        assert_eq!(ix.len(), 3);
    }

    #[test]
    fn latin_and_digits_work_too() {
        let ix =
            TemplateIndex::build([t(9, "결제", "KB카드 무이자 할부", "3개월 무이자", &["ARS"])]);
        assert_eq!(ids(ix.search("kb", None, 10)), vec![9]);
        assert_eq!(ids(ix.search("3개월", None, 10)), vec![9]);
        assert_eq!(ids(ix.search("ars", None, 10)), vec![9]);
    }
}
