from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot.app.cli import app
from bot.core.content.library import CONTENT_DIR, ContentError
from bot.core.content.loader import load_library
from bot.core.content.originality import SeedCorpus, copied_runs, read_seeds
from bot.core.content.review import originality_problems
from bot.core.content.schema import QuestionKind

SEEDS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def test_the_library_loads_with_full_coverage() -> None:
    library = load_library()
    assert len(library.modules) >= 7
    assert len(library.questions) >= 250
    for module in library.modules:
        assert len(module.lessons) >= 5 and len(module.questions) >= 15
        assert any(q.kind is QuestionKind.SCENARIO for q in module.questions), module.id
    assert [m.order for m in library.modules] == sorted(m.order for m in library.modules)


def test_the_curriculum_follows_module_then_lesson_order() -> None:
    library = load_library()
    first = library.curriculum[0]
    assert library.module_of(first.id).order == 1 and first.order == 1
    assert all(library.questions_for(lesson.id) for lesson in library.curriculum)


def test_exam_blueprint_matches_the_certification_rules() -> None:
    exam = next(e for e in load_library().exams if e.id == "theory_standard")
    assert (exam.single_choice.count, exam.single_choice.points_each) == (20, 2)
    assert [s.points for s in exam.short_answers] == [30, 30]
    assert (exam.total_points, exam.pass_mark) == (100, 60)


def test_rubric_weights_add_up_and_cover_every_band() -> None:
    for rubric in load_library().rubrics:
        assert sum(c.weight for c in rubric.criteria) == 100
        for criterion in rubric.criteria:
            assert criterion.bands[-1].min_percent == 0


def test_every_checkin_tag_has_coping_tips() -> None:
    coping = load_library().coping
    for situation in coping.situations:
        assert sum(situation in tip.situations for tip in coping.tips) >= 2, situation


@pytest.mark.skipif(not SEEDS_DIR.exists(), reason="../shared/seeds is not beside this checkout")
def test_no_chinese_passage_is_copied_from_a_seed() -> None:
    corpus = SeedCorpus.of(read_seeds(SEEDS_DIR))
    assert corpus
    assert [str(p) for p in originality_problems(CONTENT_DIR, corpus)] == []


def test_the_originality_check_catches_a_copied_sentence() -> None:
    seed = "第一段文字。客户投诉处理需要快速响应并且保留证据材料以便追溯。后面还有。"
    assert copied_runs(["我们说：客户投诉处理需要快速响应并且保留证据材料以便追溯！"], [seed])
    assert copied_runs(["遇到投诉时先安抚情绪，再确认诉求，最后给出方案。"], [seed]) == []


# Seed 001 as stored, in traditional characters, and our text copying it in simplified ones.
TRADITIONAL_SEED = "通過系統化培訓使服務人員掌握標準化投訴處理流程，包括情緒管理、問題診斷。"
SIMPLIFIED_COPY = "培训的目的：通过系统化培训使服务人员掌握标准化投诉处理流程。"


def test_a_copy_of_a_traditional_seed_written_in_simplified_characters_is_caught() -> None:
    assert "服务人员掌握标准化投诉处理流程" not in TRADITIONAL_SEED  # why comparing as stored missed it
    assert copied_runs([SIMPLIFIED_COPY], [TRADITIONAL_SEED]) == ["通过系统化培训使服务人员掌握标准化投诉处理流程"]


def test_punctuation_and_numbers_do_not_hide_a_copy() -> None:
    seed = "新员工培训后，客户满意度评分不低于4.5分（满分5分）。"
    assert copied_runs(["目标：新员工培训后客户满意度评分不低于4.8分，满分5分"], [seed])
    assert copied_runs(["目标：新人结业后，客户打出的满意度平均在4.5分以上（5分制）"], [seed]) == []


def test_content_check_reports_a_passage_found_in_a_seed(tmp_path: Path) -> None:
    library = load_library()
    point = library.lessons["cm-l01"].key_points[1].zh
    (tmp_path / "000_seed.txt").write_text(f"前言。{simplified_to_traditional(point)}后记。", encoding="utf-8")
    result = CliRunner().invoke(app, ["content", "check", "--seeds", str(tmp_path)])
    assert result.exit_code == 1
    assert "cm-l01 key_points[1].zh-CN: [originality]" in result.output


def simplified_to_traditional(text: str) -> str:
    import opencc

    converted: str = opencc.OpenCC("s2t").convert(text)
    return converted


def broken_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target, ignore=shutil.ignore_patterns("templates", "locales"))
    return target


def test_errors_name_the_file_the_item_and_the_field(tmp_path: Path) -> None:
    content = broken_copy(tmp_path)
    path = content / "modules" / "service_basics.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    question = data["questions"][2]
    question["explanation"]["en"] = "   "
    data["questions"][3]["answer"] = ["z"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_library(content)
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith(f"modules/service_basics.yaml: {question['id']} explanation.en:") for m in messages)
    assert any(data["questions"][3]["id"] in m and "not among the options" in m for m in messages)


def test_a_published_id_may_be_retired_but_not_deleted(tmp_path: Path) -> None:
    content = broken_copy(tmp_path)
    path = content / "modules" / "stress_management.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    removed = data["questions"].pop()["id"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_library(content)
    assert any(p.item == removed and "retired: true" in p.message for p in caught.value.problems)


def test_content_check_prints_coverage_and_passes() -> None:
    result = CliRunner().invoke(app, ["content", "check"])
    assert result.exit_code == 0, result.output
    assert "complaint_handling" in result.output and "questions are valid" in result.output
    assert "Item writing" in result.output and "warnings" not in result.output
