"""Item-writing rules: each catches the tell it names and lets a well-written item pass."""

from __future__ import annotations

from typing import Any

from bot.core.content.item_rules import (
    Rule,
    absolute_word_problems,
    key_length_problems,
    key_size_problems,
    option_letter_problems,
    shared_stem_problems,
)
from bot.core.content.loader import load_library
from bot.core.content.review import ENFORCED_RULES, item_rule_problems
from bot.core.content.schema import Question


def text(zh: str, en: str | None = None) -> dict[str, str]:
    return {"zh-CN": zh, "en": en if en is not None else zh}


def question(qid: str = "xx-q001", **fields: Any) -> Question:
    data: dict[str, Any] = {
        "id": qid,
        "lesson": "xx-l01",
        "kind": "single",
        "difficulty": 1,
        "prompt": text("客户来电多久内要接起？", "How soon must a call be picked up?"),
        "options": [
            {"id": "a", "text": text("十秒之内", "Within ten seconds")},
            {"id": "b", "text": text("三十秒内", "Within thirty seconds")},
            {"id": "c", "text": text("一分钟内", "Within one minute")},
            {"id": "d", "text": text("响三声后", "After three rings")},
        ],
        "answer": ["a"],
        "explanation": text("标准是十秒。", "The standard is ten seconds."),
    }
    data.update(fields)
    return Question.model_validate(data)


def statement(qid: str, zh: str, en: str, *, true: bool) -> Question:
    return question(
        qid,
        kind="true_false",
        prompt=text(zh, en),
        options=[{"id": "a", "text": text("正确", "True")}, {"id": "b", "text": text("错误", "False")}],
        answer=["a" if true else "b"],
    )


def multiple(qid: str, answer: list[str]) -> Question:
    return question(qid, kind="multiple", prompt=text(f"哪些做法正确？{qid}", f"Which are right? {qid}"), answer=answer)


# -- the key is not the longest option ----------------------------------------------------------


def test_a_key_much_longer_than_the_wrong_options_is_reported_in_the_language_it_is_long_in() -> None:
    long_key = question(
        options=[
            {"id": "a", "text": text("十秒之内接起，并用标准问候语报出工号", "Within ten seconds")},
            {"id": "b", "text": text("三十秒内", "Within thirty seconds")},
            {"id": "c", "text": text("一分钟内", "Within one minute")},
            {"id": "d", "text": text("响三声后", "After three rings")},
        ]
    )
    problems = key_length_problems([long_key])
    assert [(p.rule, p.item, p.field) for p in problems] == [(Rule.KEY_LENGTH, "xx-q001", "options.zh-CN")]
    assert "the key is" in problems[0].message


def test_a_key_as_long_as_its_distractors_passes() -> None:
    assert key_length_problems([question()]) == []


def test_multi_answer_items_compare_the_mean_correct_with_the_mean_wrong_option() -> None:
    padded = question(
        kind="multiple",
        options=[
            {"id": "a", "text": text("接起后先报出公司名称和自己的工号", "Say the company name and your number first")},
            {"id": "b", "text": text("客户说完之后再复述一遍核心诉求", "Sum up the request once the caller is done")},
            {"id": "c", "text": text("挂断", "Hang up")},
            {"id": "d", "text": text("沉默", "Stay silent")},
        ],
        answer=["a", "b"],
    )
    assert {p.field for p in key_length_problems([padded])} == {"options.zh-CN", "options.en"}


# -- multi-answer keys vary in size -------------------------------------------------------------


def test_a_module_whose_multi_answer_items_all_have_three_keys_is_reported() -> None:
    same = [multiple("xx-q001", ["a", "b", "c"]), multiple("xx-q002", ["a", "c", "d"])]
    (problem,) = key_size_problems("demo", same)
    assert problem.rule is Rule.KEY_SIZES and problem.item == "demo"
    assert "xx-q001, xx-q002" in problem.message and "exactly 3" in problem.message


def test_multi_answer_keys_of_two_sizes_pass() -> None:
    assert key_size_problems("demo", [multiple("xx-q001", ["a", "b", "c"]), multiple("xx-q002", ["b", "d"])]) == []


# -- no absolute-word tell in false statements --------------------------------------------------


def test_false_statements_that_alone_carry_absolute_words_are_reported() -> None:
    items = [
        statement("xx-q001", "只要道歉，客户就一定会满意。", "An apology is enough to satisfy a customer.", true=False),
        statement("xx-q002", "复述能及早发现误解。", "Paraphrasing exposes misunderstandings early.", true=True),
    ]
    problems = absolute_word_problems(items)
    assert [(p.item, p.field) for p in problems] == [("xx-q001", "prompt.zh-CN")]
    assert "只要/一定" in problems[0].message


def test_absolute_words_pass_when_true_statements_carry_them_as_often() -> None:
    items = [
        statement("xx-q001", "客户总是对的。", "The customer is always right.", true=False),
        statement("xx-q002", "所有工单都要登记联系方式。", "Every ticket records a contact.", true=True),
    ]
    assert absolute_word_problems(items) == []


def test_false_statements_without_a_tell_pass() -> None:
    wrong = statement("xx-q001", "复杂问题的处理时限是24小时。", "Complex problems are due in 24 hours.", true=False)
    assert absolute_word_problems([wrong]) == []


# -- no shared stem -----------------------------------------------------------------------------


def test_two_items_with_the_same_stem_in_other_script_or_punctuation_are_reported() -> None:
    first = question("xx-q001", prompt=text("以下哪一个是封闭式问题？", "Which of these is a closed question?"))
    second = question("yy-q002", prompt=text("以下哪一個是封閉式問題", "which of these is a CLOSED question"))
    (problem,) = shared_stem_problems([first, second])
    assert (problem.rule, problem.item) == (Rule.SHARED_STEM, "yy-q002") and "xx-q001" in problem.message


def test_a_one_word_swap_is_still_the_same_stem() -> None:
    first = question("xx-q001", prompt=text("以下哪一句属于积极措辞？", "Which of these uses positive wording?"))
    second = question("yy-q002", prompt=text("以下哪一句属于正向措辞？", "Which of these is positive wording?"))
    assert [p.item for p in shared_stem_problems([first, second])] == ["yy-q002"]


def test_different_questions_and_retired_duplicates_pass() -> None:
    first = question("xx-q001", prompt=text("以下哪一个是封闭式问题？", "Which of these is a closed question?"))
    other = question("xx-q002", prompt=text("投诉工单应在多久内首次响应？", "When is a complaint first answered?"))
    retired = question("xx-q003", prompt=first.prompt.model_dump(by_alias=True), retired=True)
    assert shared_stem_problems([first, other, retired]) == []


# -- explanations do not name option letters ----------------------------------------------------


def test_explanations_that_name_an_option_by_letter_are_reported() -> None:
    for zh, en in (
        ("选项B把时限说长了。", "Thirty seconds is too slow."),
        ("十秒是标准（a），其余太慢。", "Ten seconds is the rule (A); the rest are slow."),
        ("b、c、d 都太慢。", "B, C and D are too slow."),
        ("十秒是标准。", "Option c is too slow."),
        ("十秒是标准。", "a is the rule; the others are too slow."),
    ):
        problems = option_letter_problems([question(explanation=text(zh, en))])
        assert problems and all(p.rule is Rule.OPTION_LETTER for p in problems), (zh, en)


def test_explanations_that_say_what_the_option_says_pass() -> None:
    fine = text(
        "标准是十秒；三十秒和一分钟都让客户等太久，A4纸上的流程图也这样写。",
        "A caller is answered within ten seconds; thirty seconds or a minute is too long, as a B2B client told us.",
    )
    assert option_letter_problems([question(explanation=fine)]) == []


# -- the shipped library ------------------------------------------------------------------------


def test_every_rule_is_an_error_and_the_library_passes_them_all() -> None:
    assert set(ENFORCED_RULES) == set(Rule)
    assert [str(problem) for _rule, problem in item_rule_problems(load_library())] == []
