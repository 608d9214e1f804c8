"""Question trees: content files that lead an applicant to the right access form.

A tree lives in `question-trees/<tree>.yml`. It has named questions; each choice has one
or more labels and leads to an `answer` (Markdown with components), a `next` question,
or both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import components
from .problems import Problems
from .reading import load_yaml
from .spec import Field, List, Map, Str

CHOICE = Map(
    doc="Un choix : un ou plusieurs libellés qui mènent à une réponse, à une autre question, ou aux deux.",
    unknown="error",
    fields={
        "labels": Field(List(Str(), min_items=1, doc="Libellés proposés, ex. « Oui »."), required=True),
        "answer": Field(Str(markdown=True, doc="Réponse en Markdown, avec composants.")),
        "next": Field(Str(kind="id", doc="Identifiant de la question suivante.")),
    },
)
QUESTION = Map(
    unknown="error",
    fields={
        "question": Field(Str(doc="La question posée."), required=True),
        "hint": Field(Str(doc="Précision affichée sous la question.")),
        "choices": Field(List(CHOICE, min_items=1), required=True),
    },
)
TREE = Map(
    doc="Arbre de questions (`question-trees/<arbre>.yml`).",
    unknown="error",
    fields={
        "title": Field(Str(doc="Nom de l'arbre, pour les mainteneurs.")),
        "questions": Field(Map(values=QUESTION, doc="Questions, par identifiant."), required=True),
    },
)


@dataclass
class Choice:
    labels: list[str]
    answer: components.Markup | None
    next: str | None


@dataclass
class Question:
    id: str
    text: str
    hint: str
    choices: list[Choice]


@dataclass
class Tree:
    id: str
    path: Path
    questions: dict[str, Question] = field(default_factory=dict)


def load_trees(folder: Path, problems: Problems) -> dict[str, Tree]:
    trees: dict[str, Tree] = {}
    if not folder.is_dir():
        return trees
    context = components.Context(allow_trees=False)
    for path in sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml")):
        doc = load_yaml(path, problems)
        if doc is None:
            continue
        data = TREE.clean(doc.meta, (), doc, problems)
        tree = Tree(doc.slug, path)
        for qid, raw in data.get("questions", {}).items():
            if "question" not in raw or "choices" not in raw:
                continue
            choices = []
            for index, choice in enumerate(raw["choices"]):
                if "labels" not in choice:
                    continue
                answer = None
                if choice.get("answer"):
                    answer = components.parse(choice["answer"], path,
                                              doc.text_line("questions", qid, "choices", index, "answer"), problems, context)
                if not answer and not choice.get("next"):
                    problems.error(path, doc.line("questions", qid, "choices", index),
                                   f"questions.{qid}.choices[{index}]: il faut `answer`, `next` ou les deux", "tree")
                choices.append(Choice(choice["labels"], answer, choice.get("next")))
            tree.questions[qid] = Question(qid, raw["question"], raw.get("hint", ""), choices)
        for qid, question in tree.questions.items():
            for index, choice in enumerate(question.choices):
                if choice.next and choice.next not in tree.questions:
                    problems.error(path, doc.line("questions", qid, "choices", index, "next"),
                                   f"questions.{qid}.choices[{index}].next: question « {choice.next} » introuvable", "tree")
        _check_cycles(tree, doc, problems)
        trees[tree.id] = tree
    return trees


def _check_cycles(tree: Tree, doc, problems: Problems) -> None:
    """A cycle would make the static (no-JavaScript) rendering infinite."""
    state: dict[str, int] = {}

    def visit(qid: str) -> bool:
        state[qid] = 1
        for choice in tree.questions[qid].choices:
            nxt = choice.next
            if nxt in tree.questions:
                if state.get(nxt) == 1 or (state.get(nxt) is None and not visit(nxt)):
                    problems.error(doc.path, doc.line("questions", qid), f"questions.{qid}: boucle vers « {nxt} »", "tree")
                    choice.next = None
                    return True
        state[qid] = 2
        return True

    for qid in tree.questions:
        if qid not in state:
            visit(qid)


def resolve(trees: dict[str, Tree], ref: components.TreeRef) -> Question | None:
    tree = trees.get(ref.tree)
    return tree.questions.get(ref.question) if tree else None
