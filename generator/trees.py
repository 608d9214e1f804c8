"""Question trees: content files that lead an applicant to the right access form.

A tree lives in `question-trees/<tree>.yml`. It has named questions; each choice has one
or more labels and leads to an `answer` (Markdown with components), a `next` question,
or both.
"""

from __future__ import annotations

from pathlib import Path

from . import components
from .problems import Problems
from .reading import load_yaml
from .spec import MISSING, Field, List, Map, Str, record

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
        "published": Field(Str(doc="Quand la question a été publiée, ex. « 2022 » : son historique le dit.")),
        "until": Field(
            Str(
                kind="date",
                doc="Date depuis laquelle la question ne vaut plus (AAAA-MM-JJ) : elle n'est plus montrée que"
                " repliée, comme historique daté.",
            )
        ),
        "replaced_by": Field(Str(kind="id", doc="Question d'aujourd'hui, montrée à sa place quand elle ne vaut plus.")),
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


Choice = record(CHOICE, "Choice")  # the loader replaces `answer` with its parsed Markup
Question = record(QUESTION, "Question", id=(str, ""))
Tree = record(
    TREE, "Tree", id=(str, ""), path=(Path, None), weights=(dict, dict)
)  # question id → characters its rendering holds, every path below it included


def load_trees(paths: list[Path], problems: Problems) -> dict[str, Tree]:
    trees: dict[str, Tree] = {}
    context = components.Context(allow_trees=False)
    for path in paths:
        doc = problems.guard(path, load_yaml, path, problems)
        if doc is None:
            continue
        tree = TREE.clean(doc.meta, (), doc, problems)
        if tree is MISSING:
            continue
        tree.id, tree.path = doc.slug, path
        for qid, question in tree.questions.items():
            question.id = qid
            for index, choice in enumerate(question.choices):
                if choice.answer:
                    choice.answer = components.parse(
                        choice.answer,
                        path,
                        doc.text_line("questions", qid, "choices", index, "answer"),
                        problems,
                        context,
                    )
                if not choice.answer and not choice.next:
                    problems.error(
                        path,
                        doc.line("questions", qid, "choices", index),
                        f"questions.{qid}.choices[{index}]: il faut `answer`, `next` ou les deux",
                        "tree",
                    )
        for qid, question in tree.questions.items():
            if question.replaced_by and question.replaced_by not in tree.questions:
                problems.error(
                    path,
                    doc.line("questions", qid, "replaced_by"),
                    f"questions.{qid}.replaced_by: question « {question.replaced_by} » introuvable",
                    "tree",
                )
                question.replaced_by = None
            for index, choice in enumerate(question.choices):
                if choice.next and choice.next not in tree.questions:
                    problems.error(
                        path,
                        doc.line("questions", qid, "choices", index, "next"),
                        f"questions.{qid}.choices[{index}].next: question « {choice.next} » introuvable",
                        "tree",
                    )
        _check_cycles(tree, doc, problems)
        _check_size(tree, doc, problems)
        trees[tree.id] = tree
    return trees


def _check_cycles(tree: Tree, doc, problems: Problems) -> None:
    """A cycle would make the static (no-JavaScript) rendering infinite. Iterative: trees may be deep."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    for start in tree.questions:
        if start in state:
            continue
        state[start] = 1
        stack = [(start, iter(tree.questions[start].choices))]
        while stack:
            qid, choices = stack[-1]
            choice = next(choices, None)
            if choice is None:
                state[qid] = 2
                stack.pop()
                continue
            nxt = choice.next
            if nxt not in tree.questions:
                continue
            if state.get(nxt) == 1:
                problems.error(doc.path, doc.line("questions", qid), f"questions.{qid}: boucle vers « {nxt} »", "tree")
                choice.next = None
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(tree.questions[nxt].choices)))


# Without JavaScript, every path of a tree is in the page: 30 two-way questions in a row would
# be 2^30 questions. Real trees ask 1 to 3 questions.
MAX_RENDERED = 200
MAX_DEPTH = 12
# And in characters: a long answer reached by many paths is repeated on each. A page holds at most this much of
# trees, whichever tags show them (real pages: under 20 000).
MAX_CHARS = 2_000_000


def _check_size(tree: Tree, doc, problems: Problems) -> None:
    """Questions rendered from each entry point, counted along every path (iteratively, memoised)."""
    size: dict[str, int] = {}
    depth: dict[str, int] = {}
    for start in tree.questions:
        stack = [(start, False)]
        while stack:
            qid, done = stack.pop()
            if qid in size:
                continue
            nexts = [c.next for c in tree.questions[qid].choices if c.next in tree.questions]
            if done or not nexts:
                size[qid] = min(1 + sum(size[n] for n in nexts), MAX_RENDERED + 1)
                depth[qid] = 1 + max((depth[n] for n in nexts), default=0)
                tree.weights[qid] = min(
                    _own_weight(tree.questions[qid]) + sum(tree.weights[n] for n in nexts), MAX_CHARS + 1
                )
                continue
            stack.append((qid, True))
            stack.extend((n, False) for n in nexts if n not in size)
    too_big = [qid for qid in tree.questions if size[qid] > MAX_RENDERED or depth[qid] > MAX_DEPTH]
    if too_big:
        first = too_big[0]
        problems.error(
            doc.path,
            doc.line("questions", first),
            f"questions.{first}: arbre trop grand ({MAX_DEPTH} questions d'affilée et {MAX_RENDERED} questions"
            f" sur tous les chemins au plus) ; les suites de {len(too_big)} question(s) sont coupées",
            "limit",
        )
        for qid in too_big:
            for choice in tree.questions[qid].choices:
                choice.next = None


def _own_weight(question: Question) -> int:
    texts = [question.question, question.hint, *(label for c in question.choices for label in c.labels)]
    return (
        sum(map(len, texts))
        + sum(len(c.answer.text) for c in question.choices if c.answer)
        + 200 * len(question.choices)
    )


def weight(trees: dict[str, Tree], ref: components.TreeRef) -> int:
    """Characters a `<QuestionTree>` tag puts in its page: a question that no longer holds brings the one that
    replaces it."""
    tree = trees.get(ref.tree)
    if tree is None or (question := tree.questions.get(ref.question)) is None:
        return 0
    replacement = question.replaced_by if question.until else None
    return tree.weights.get(ref.question, 0) + tree.weights.get(replacement, 0)


def retired(question: Question, day: str) -> bool:
    """Whether the question no longer holds on `day` (ISO dates compare as text)."""
    return bool(question.until) and question.until <= day


def resolve(trees: dict[str, Tree], ref: components.TreeRef) -> Question | None:
    tree = trees.get(ref.tree)
    return tree.questions.get(ref.question) if tree else None
