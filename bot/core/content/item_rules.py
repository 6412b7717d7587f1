"""Item-writing rules: a question should be answered by knowing the subject, not by
reading its shape.

Each rule is a pure function of questions and returns the problems it finds. The
tells they catch are the classic ones of test writing: the key is the longest
option, every multi-answer item has the same number of keys, false statements give
themselves away with an absolute word, two items share a stem, and an explanation
points at an option letter although options are shuffled for every person.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum
from statistics import mean

from bot.core.chinese import simplified
from bot.core.content.schema import LOCALES, Question, QuestionKind, Text

# The key may be a little longer than the wrong options (precision costs words), not much.
MAX_KEY_LENGTH_RATIO = 1.2

# Words that make a statement sweeping. A false statement with one of them reads as false
# to anyone who has taken a test before; allowed only as often as true statements carry one.
ABSOLUTE_WORDS_ZH = (
    "只要",
    "一旦",
    "不需要",
    "无需",
    "不必",
    "总是",
    "所有",
    "从不",
    "从来",
    "永远",
    "绝对",
    "一定",
    "完全",
    "任何",
    "一律",
    "全部",
    "唯一",
    "只能",
    "只需",
    "必然",
    "绝不",
    "决不",
    "始终",
    "无论",
)
ABSOLUTE_WORDS_EN = (
    "always",
    "never",
    "all",
    "every",
    "everyone",
    "everything",
    "any",
    "only",
    "none",
    "nothing",
    "completely",
    "entirely",
    "absolutely",
    "guaranteed",
    "whatever",
    "regardless",
    "as long as",
    "no need",
    "don't need",
    "doesn't need",
    "needn't",
)
_ABSOLUTE_EN = re.compile(r"\b(" + "|".join(re.escape(w) for w in ABSOLUTE_WORDS_EN) + r")\b", re.IGNORECASE)

# Option letters in explanations: "选项B", "B项", "选A", "（C）", "option B", "(c)", a lone "D".
# In Chinese text a lone Latin letter a-f is an option letter; in English "a"/"A" is also the
# article, so a lone A counts only where no noun could follow ("A is…", "A, B").
_LETTER_ZH = re.compile(r"选项\s*[A-Fa-f]|[（(]\s*[A-Fa-f]\s*[)）]|(?<![A-Za-z0-9])[A-Fa-f](?![A-Za-z0-9])")
_LETTER_EN = re.compile(
    r"\boptions?\s+[A-Fa-f]\b|\b(?:answers?|choices?)\s+[A-F]\b"
    r"|[(（]\s*[A-Fa-f]\s*[)）]"
    r"|(?<![A-Za-z0-9'’.-])(?:[B-F]|[b-f])(?![A-Za-z0-9'’.-])"
    r"|\b[Aa](?=\s+(?:is|are|was|and|or)\b|\s*[,;:)])"
)


# Two stems this alike in both languages ask the same thing (catches 正向/积极-style swaps).
STEM_SIMILARITY = 0.8
_MULTI_MARKER = re.compile(r"[（(]\s*(?:多选|choose all that apply)\s*[)）]", re.IGNORECASE)


class Rule(StrEnum):
    KEY_LENGTH = "key-length"
    KEY_SIZES = "key-sizes"
    ABSOLUTE_WORD = "absolute-word"
    SHARED_STEM = "shared-stem"
    OPTION_LETTER = "option-letter"


@dataclass(frozen=True)
class ItemProblem:
    rule: Rule
    item: str
    field: str
    message: str


def text_length(text: str) -> int:
    """Visible length: letters, digits and CJK characters; spaces and punctuation do not count."""
    return sum(1 for ch in text if unicodedata.category(ch)[0] in "LN")


def _by_locale(text: Text) -> dict[str, str]:
    return {locale: text.get(locale) for locale in LOCALES}


def _choice_items(questions: Iterable[Question]) -> list[Question]:
    kinds = (QuestionKind.SINGLE, QuestionKind.SCENARIO, QuestionKind.MULTIPLE)
    return [q for q in questions if q.kind in kinds and not q.retired]


def key_length_ratio(question: Question, locale: str) -> float | None:
    """Mean length of the correct options over the mean length of the wrong ones."""
    right = [text_length(o.text.get(locale)) for o in question.options if o.id in question.answer]
    wrong = [text_length(o.text.get(locale)) for o in question.options if o.id not in question.answer]
    if not right or not wrong:
        return None
    return mean(right) / max(mean(wrong), 1)


def key_is_uniquely_longest(question: Question, locale: str) -> bool:
    lengths = {o.id: text_length(o.text.get(locale)) for o in question.options}
    longest = max(lengths.values())
    return [o for o, n in lengths.items() if n == longest] == list(question.answer)


def key_length_problems(questions: Iterable[Question]) -> list[ItemProblem]:
    """The key is no longer than 1.2x the mean wrong option, in every language."""
    problems = []
    for question in _choice_items(questions):
        for locale in LOCALES:
            ratio = key_length_ratio(question, locale)
            if ratio is not None and ratio > MAX_KEY_LENGTH_RATIO:
                what = "correct options average" if question.kind is QuestionKind.MULTIPLE else "the key is"
                problems.append(
                    ItemProblem(
                        Rule.KEY_LENGTH,
                        question.id,
                        f"options.{locale}",
                        f"{what} {ratio:.2f}x the mean wrong option's length "
                        f"(at most {MAX_KEY_LENGTH_RATIO}x): shorten the key or write fuller distractors",
                    )
                )
    return problems


def key_size_problems(module_id: str, questions: Iterable[Question]) -> list[ItemProblem]:
    """A module's multi-answer items do not all have the same number of correct options."""
    multi = [q for q in questions if q.kind is QuestionKind.MULTIPLE and not q.retired]
    sizes = Counter(len(q.answer) for q in multi)
    if len(multi) < 2 or len(sizes) > 1:
        return []
    (size,) = sizes
    ids = ", ".join(q.id for q in multi)
    return [
        ItemProblem(
            Rule.KEY_SIZES,
            module_id,
            "questions",
            f"all {len(multi)} multi-answer items ({ids}) have exactly {size} correct options; "
            "vary the number so it cannot be guessed",
        )
    ]


def absolute_words(text: str, locale: str) -> list[str]:
    if locale == "zh-CN":
        plain = simplified(text)
        return [word for word in ABSOLUTE_WORDS_ZH if word in plain]
    return sorted({match.lower() for match in _ABSOLUTE_EN.findall(text)})


def statement_is_true(question: Question) -> bool:
    (key,) = question.answer
    option = next(o for o in question.options if o.id == key)
    return option.text.en.strip().lower() == "true"


def absolute_word_problems(questions: Iterable[Question]) -> list[ItemProblem]:
    """False statements carry an absolute word no more often than true ones (per language)."""
    statements = [q for q in questions if q.kind is QuestionKind.TRUE_FALSE and not q.retired]
    problems = []
    for locale in LOCALES:
        marked = {q.id: absolute_words(q.prompt.get(locale), locale) for q in statements}
        false_marked = [q for q in statements if not statement_is_true(q) and marked[q.id]]
        true_marked = [q for q in statements if statement_is_true(q) and marked[q.id]]
        if len(false_marked) <= len(true_marked):
            continue
        for question in false_marked:
            words = "/".join(marked[question.id])
            problems.append(
                ItemProblem(
                    Rule.ABSOLUTE_WORD,
                    question.id,
                    f"prompt.{locale}",
                    f"false statement with the absolute word {words!r} "
                    f"({len(false_marked)} false vs {len(true_marked)} true statements carry one): "
                    "say what is wrong without the tell",
                )
            )
    return problems


def normalised_stem(text: str, locale: str) -> str:
    """A stem as compared for duplicates: simplified, case-folded, letters, digits and CJK
    only, without the "(choose all that apply)" marker every multi-answer stem carries."""
    plain = _MULTI_MARKER.sub("", simplified(text) if locale == "zh-CN" else text)
    return "".join(ch for ch in plain.casefold() if unicodedata.category(ch)[0] in "LN")


def stem_similarity(first: str, second: str) -> float:
    matcher = SequenceMatcher(None, first, second, autojunk=False)
    return matcher.ratio() if matcher.real_quick_ratio() >= STEM_SIMILARITY else 0.0


def shared_stem_problems(questions: Sequence[Question]) -> list[ItemProblem]:
    """No two active items ask the same thing: their normalised stems are at most 80% alike
    in at least one language (the same stem, or one word swapped, is a duplicate)."""
    active = [q for q in questions if not q.retired]
    stems = {q.id: {locale: normalised_stem(q.prompt.get(locale), locale) for locale in LOCALES} for q in active}
    problems = []
    for index, question in enumerate(active):
        for earlier in active[:index]:
            alike = min(stem_similarity(stems[earlier.id][loc], stems[question.id][loc]) for loc in LOCALES)
            if alike >= STEM_SIMILARITY:
                problems.append(
                    ItemProblem(
                        Rule.SHARED_STEM,
                        question.id,
                        "prompt",
                        f"stem {alike:.0%} like {earlier.id}'s in both languages: "
                        "merge the two or give each its own question",
                    )
                )
                break
    return problems


def option_letters(text: str, locale: str) -> list[str]:
    pattern = _LETTER_ZH if locale == "zh-CN" else _LETTER_EN
    return [match.group(0).strip() for match in pattern.finditer(text)]


def option_letter_problems(questions: Iterable[Question]) -> list[ItemProblem]:
    """Options are shuffled per person, so an explanation names an option by what it says."""
    problems = []
    for question in (q for q in questions if not q.retired):
        for locale, text in _by_locale(question.explanation).items():
            letters = option_letters(text, locale)
            if letters:
                problems.append(
                    ItemProblem(
                        Rule.OPTION_LETTER,
                        question.id,
                        f"explanation.{locale}",
                        f"names an option by its letter ({', '.join(letters)}); options are shuffled "
                        "for each person, so say what the option says",
                    )
                )
    return problems


def module_problems(module_id: str, questions: Sequence[Question]) -> list[ItemProblem]:
    """Every rule that looks at one module's questions."""
    return [
        *key_length_problems(questions),
        *key_size_problems(module_id, questions),
        *absolute_word_problems(questions),
        *option_letter_problems(questions),
    ]
