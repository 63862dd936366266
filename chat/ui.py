"""Gradio web UI (mounted at `/ui`): chat with cited, quoted answers; bilingual framing; a session per browser tab.

Answers are rendered to HTML here (every clause string escaped with `html.escape`): the composed answer, a banner
for refusals and withheld LLM prose, and a sources panel whose entries expand (`<details>`) to the full clause.
Each question goes through the ask service (`GazetteService.prepare` → `.events`), like `/ask/stream`.
gradio is imported when the UI is built (no `from __future__ import annotations` here: Gradio finds the
`gr.Request` parameter by its evaluated annotation).
"""
import html
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from chat.http_guards import UI_UPLOAD_BYTES
from chat.service import GazetteService
from index.errors import GazetteError
from retriever.dictionary import ATTRIBUTION
from retriever.llm_warmup import warmup_status

CSS_PATH = Path(__file__).with_name("ui.css")

EXAMPLES = [
    "What subsidies can a company get for recruiting postdoctoral researchers?",
    "Is there a cap on the insurance premium subsidy for first-of-a-kind equipment?",
    "Which agency runs the one-stop labour dispute centre, and by when?",
    "企业招收博士后有什么资助？",
]

#: All framing text, per UI language ("zh" / "en"). Answer framing follows the answer's language.
TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "政府公报问答",
        "subtitle": "依据重庆市政府公报原文作答：每个回答都引用文件编号和条款，并附原文摘录。",
        "chat": "对话", "placeholder": "用中文或英文提问，例如：企业招收博士后有什么资助？",
        "question": "问题", "send": "提问", "clear": "新对话", "examples": "示例问题",
        "searching": "正在检索条款……", "composing": "正在组织回答……", "generating": "正在生成摘要（尚未核验）……",
        "refused": "文件中未找到答案",
        "refused_note": "这些文件中没有能回答这个问题的条款；以下条款仅供参考，并非答案。",
        "sources": "来源", "related": "可能相关的条款（不是答案）", "quote": "摘录", "full": "展开条款全文",
        "facts": "要点", "original": "原文", "translation": "译文", "prose": "摘要（大模型生成，已逐句核对条款）",
        "withheld": "大模型摘要未显示：未能通过条款核对。以下回答完全取自条款原文。",
        "llm_failed": "大模型未能作答，以下回答完全取自条款原文。",
        "welcome_h": "有问题，问公报。",
        "welcome": "回答只取自已收录的政府公报条款，并注明文件编号和条款；文件中没有的内容会直接说明。",
        "error": "无法回答", "empty": "请输入问题。", "footer": "接口文档：/docs",
    },
    "en": {
        "title": "Gazette Chat",
        "subtitle": "Answers from the Chongqing government gazette itself: every answer cites the document number "
                    "and clause, with a verbatim quote.",
        "chat": "Conversation", "placeholder": "Ask in English or Chinese, e.g. How much funding does a company get "
                                                "for each postdoc it recruits?",
        "question": "Question", "send": "Ask", "clear": "New conversation", "examples": "Example questions",
        "searching": "Searching the clauses…", "composing": "Composing the answer…",
        "generating": "Writing a summary (not yet verified)…",
        "refused": "Not in these documents",
        "refused_note": "No clause in these documents answers this question; the clauses below are for reference "
                        "only, not an answer.",
        "sources": "Sources", "related": "Possibly related clauses (not an answer)", "quote": "Quote",
        "full": "Show the full clause", "facts": "Facts", "original": "Original (Chinese, the authoritative text)",
        "translation": "Translation (machine, checked against the clause)",
        "prose": "Summary (LLM-written, checked sentence by sentence against the clauses)",
        "withheld": "LLM summary withheld: it did not pass the check against the clauses. The answer below is "
                    "taken entirely from the clauses.",
        "llm_failed": "The LLM did not answer; the answer below is taken entirely from the clauses.",
        "welcome_h": "Ask the gazette.",
        "welcome": "Answers come only from the clauses of the indexed gazette documents, citing document number and "
                   "clause; when the documents do not say, the answer says so.",
        "error": "Cannot answer", "empty": "Please type a question.", "footer": "API docs: /docs",
    },
}
#: The toggle's own label stays bilingual (it is how a reader of either language finds the switch).
LANG_LABEL = "语言 · Language"
LANG_CHOICES = [("Auto / 自动", "auto"), ("中文", "zh"), ("English", "en")]


def ui_lang(choice: str | None, browser: str | None) -> str:
    """The framing language: the toggle, or for Auto the browser's preferred language (default English)."""
    if choice in ("zh", "en"):
        return choice
    return "zh" if (browser or "").lower().startswith("zh") else "en"


def esc(text: Any) -> str:
    """HTML-escaped text with line breaks kept (no blank lines: the chat renders Markdown around HTML blocks)."""
    return html.escape(str(text or ""), quote=True).replace("\r", "").replace("\n", "<br>")


# -- rendering ------------------------------------------------------------------------------------------------
def _full_text(c: dict[str, Any]) -> str:
    """The clause text, with the quoted paragraphs (款/项) highlighted when the citation names them."""
    text = str(c.get("text") or "")
    parts = c.get("paragraphs_quoted") or ([c["paragraph"]] if c.get("paragraph") else [])
    out, pos = [], 0
    for part in sorted(parts, key=lambda p: int(p["start"])):
        a, b = int(part["start"]), int(part["end"])
        out += [esc(text[pos:a]), f'<mark class="gz-para">{esc(text[a:b])}</mark>']
        pos = b
    return "".join(out) + esc(text[pos:])


def _source(c: dict[str, Any], lang: str, t: dict[str, str]) -> str:
    """One source. English: citation and title, the checked translation if any, then the Chinese quote beneath,
    labelled as the authoritative original (figures with roles and the gloss are in the answer, shown once)."""
    title = c.get("title_en") if lang == "en" and c.get("title_en") else c.get("title")
    cite = c.get("citation_en") if lang == "en" else c.get("citation_zh")
    other = c.get("citation_zh") if lang == "en" else None
    facts = "".join(f"<li>{esc(f)}</li>" for f in c.get("facts") or []) if lang != "en" else ""
    english = ""
    if lang == "en" and c.get("translation_en"):
        english = (f'<span class="gz-en"><b>{esc(t["translation"])}:</b> {esc(c["translation_en"])}</span>')
    original = f'<span class="gz-orig-h">{esc(t["original"])}</span>' if lang == "en" else ""
    return (
        f'<details class="gz-src"><summary>'
        f'<span class="gz-n">[{esc(c.get("n"))}]</span> <span class="gz-cite">{esc(cite)}</span>'
        + (f' <span class="gz-cite-zh">{esc(other)}</span>' if other else "")
        + f'<span class="gz-title">{esc(title)}'
        + (f' · {esc(c["date_line"])}' if c.get("date_line") else "") + "</span>"
        + (f'<span class="gz-age">{esc(c["age_note"])}</span>' if c.get("age_note") else "")
        + english + original
        + f'<span class="gz-quote" lang="zh">「{esc(c.get("quote"))}」</span>'
        f'<span class="gz-more">{esc(t["full"])}</span></summary>'
        f'<div class="gz-full" lang="zh">{_full_text(c)}</div>'
        + (f'<div class="gz-facts"><b>{esc(t["facts"])}</b><ul>{facts}</ul></div>' if facts else "")
        + _provenance(c.get("provenance"), lang)
        + "</details>"
    )


def _provenance(p: dict[str, Any] | None, lang: str) -> str:
    """Where the cited document came from: file, who added it and when (issue 14)."""
    if not p:
        return ""
    label = "Source file" if lang == "en" else "来源文件"
    when = (p.get("added_at") or "")[:10]
    return (f'<div class="gz-prov">{esc(label)}: {esc(p.get("source") or "?")} · {esc(p.get("added_by"))}'
            + (f" · {esc(when)}" if when else "") + "</div>")


def render_card(card: dict[str, Any]) -> str:
    """An answer card as one HTML block: banners, the composed answer, verified prose, the sources panel."""
    lang: str = card["language"] if card.get("language") in ("zh", "en") else "en"
    t = TEXT[lang]
    parts = ['<div class="gz-answer gz-card">']
    llm = card.get("llm") or {}
    if not card.get("answered"):
        parts.append(f'<div class="gz-banner gz-refused" role="status"><b>{esc(t["refused"])}</b> '
                     f'<span>{esc(t["refused_note"])}</span></div>')
    elif llm.get("prose"):
        parts.append(f'<div class="gz-prose"><div class="gz-tag">{esc(t["prose"])}</div>{esc(llm["prose"])}</div>')
    elif llm.get("used") and llm.get("withheld_reason"):
        parts.append(f'<div class="gz-banner gz-withheld" role="status" title="{esc(llm["withheld_reason"])}">'
                     f'{esc(t["withheld"])} <span class="gz-reason">{esc(llm["withheld_reason"])}</span></div>')
    elif llm.get("verified") is False:
        parts.append(f'<div class="gz-banner gz-withheld" role="status" title="{esc(llm.get("withheld_reason"))}">'
                     f'{esc(t["llm_failed"])}</div>')
    if card.get("answered"):
        parts.append(f'<div class="gz-text">{esc(card.get("answer"))}</div>')
    cited = card.get("citations") or []
    related = card.get("related") or []
    if cited or related:
        head = t["sources"] if cited else t["related"]
        cls = "gz-sources" if cited else "gz-sources gz-related"
        parts.append(f'<div class="{cls}"><div class="gz-sources-h">{esc(head)}</div>'
                     + "".join(_source(c, lang, t) for c in (cited or related)) + "</div>")
    parts.append("</div>")
    return "".join(parts)


def llm_status_html() -> str:
    """One line under the chat: whether the LLM is still loading (English questions then use the glossary)."""
    status = warmup_status()
    state = status["state"]
    if state == "off":
        return ""
    text = {"loading": f"⏳ {status['message']} ({status['seconds'] or 0:.0f} s)…",
            "ready": f"✓ {status['message']} (loaded in {status['seconds'] or 0:.0f} s)",
            "failed": f"⚠ {status['message']}"}[state]
    return f'<div class="gz-llm gz-llm-{state}" role="status">{esc(text)}</div>'


def welcome(lang: str) -> str:
    """The empty chat's placeholder (Markdown)."""
    t = TEXT[lang]
    return f"**{t['welcome_h']}**\n\n{t['welcome']}"


def render_status(stage: str, lang: str) -> str:
    """Progress line. Streamed LLM tokens are never shown: prose appears only in the card, once verified."""
    t = TEXT[lang]
    body = f'<div class="gz-status">{esc(t.get(stage, stage))}</div>'
    return f'<div class="gz-answer">{body}</div>'


def render_error(message: str, lang: str) -> str:
    return (f'<div class="gz-answer gz-card"><div class="gz-banner gz-error" role="alert">'
            f'<b>{esc(TEXT[lang]["error"])}</b> '
            f'<span>{esc(message)}</span></div></div>')


# -- the app --------------------------------------------------------------------------------------------------
def answer_stream(service: GazetteService, question: str, history: list[dict[str, Any]], choice: str,
                  browser: str, session_id: str) -> Iterator[tuple[list[dict[str, Any]], str]]:
    """Chat updates for one question: progress, then the rendered card with verified prose (or an error)."""
    question = (question or "").strip()
    frame = ui_lang(choice, browser)
    if not question:
        yield history, ""
        return
    history = [*history, {"role": "user", "content": esc(question)}]
    try:
        q = service.prepare(question, session_id=session_id or None, lang=choice if choice in ("zh", "en") else None)
        history.append({"role": "assistant", "content": render_status("searching", q.lang)})
        yield history, ""
        for event, data in service.events(q):
            if event == "progress":
                history[-1] = {"role": "assistant", "content": render_status(data["stage"], q.lang)}
            elif event == "card":
                history[-1] = {"role": "assistant", "content": render_card(data)}
            yield history, ""
    except GazetteError as exc:
        error = {"role": "assistant", "content": render_error(str(exc), frame)}
        history = [*history[:-1], error] if history[-1]["role"] == "assistant" else [*history, error]
        yield history, ""


def mount_ui(app: Any, get_service: Callable[[], GazetteService], path: str, css_path: Path = CSS_PATH) -> None:
    """Build the UI and mount it on a FastAPI `app` at `path`."""
    import gradio as gr

    gr.mount_gradio_app(app, build_ui(get_service), path=path, css_paths=[css_path], footer_links=["api"],
                        run_history=False, show_error=True, max_file_size=UI_UPLOAD_BYTES)


def build_ui(get_service: Callable[[], GazetteService]) -> Any:
    """The Gradio Blocks; `get_service()` returns the shared `GazetteService` (loaded by the API's lifespan)."""
    import gradio as gr

    def header(lang: str) -> str:
        t = TEXT[lang]
        return (f'<div class="gz-header"><h1>{esc(t["title"])}</h1><p>{esc(t["subtitle"])}</p></div>')

    def framing(choice: str, browser: str) -> list[Any]:
        lang = ui_lang(choice, browser)
        t = TEXT[lang]
        return [header(lang), gr.update(label=t["chat"], placeholder=welcome(lang)),
                gr.update(label=t["question"], placeholder=t["placeholder"]), gr.update(value=t["send"]),
                gr.update(value=t["clear"]), f'<div class="gz-examples-h">{esc(t["examples"])}</div>']

    def on_load(choice: str, request: gr.Request) -> list[Any]:
        accept = (request.headers.get("accept-language") or "") if request else ""
        browser = accept.split(",")[0].strip()
        return [uuid.uuid4().hex, browser, *framing(choice, browser)]

    def respond(question: str, history: list[dict[str, Any]], choice: str, browser: str,
                session_id: str) -> Iterator[tuple[list[dict[str, Any]], str]]:
        yield from answer_stream(get_service(), question, history or [], choice, browser, session_id)

    def new_conversation() -> tuple[list, str, str]:
        return [], "", uuid.uuid4().hex

    t = TEXT["en"]
    # the UI has no file inputs: Gradio cache files are deleted hourly once a day old (issue 14)
    with gr.Blocks(title="Gazette Chat · 政府公报问答", analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
        session_id = gr.State("")
        browser = gr.State("")
        with gr.Row(elem_classes="gz-top"):
            head = gr.HTML(header("en"), elem_classes="gz-head-wrap")
            lang = gr.Radio(LANG_CHOICES, value="auto", label=LANG_LABEL, elem_id="gz-lang",
                            elem_classes="gz-lang", scale=0, min_width=360)
        chatbot = gr.Chatbot(label=t["chat"], show_label=False, placeholder=welcome("en"), elem_id="gz-chat",
                             height=640, latex_delimiters=[],
                             buttons=["copy"], feedback_options=None, group_consecutive_messages=False,
                             layout="panel")
        with gr.Row(equal_height=True):
            question = gr.Textbox(label=t["question"], placeholder=t["placeholder"], elem_id="gz-question",
                                  scale=5, max_lines=6, autofocus=True)
            send = gr.Button(t["send"], variant="primary", elem_id="gz-send", scale=0, min_width=110)
            clear = gr.Button(t["clear"], elem_id="gz-clear", scale=0, min_width=200)
        examples_head = gr.HTML(f'<div class="gz-examples-h">{esc(t["examples"])}</div>')
        with gr.Row(elem_classes="gz-examples"):
            example_buttons = [gr.Button(q, size="sm", elem_classes="gz-example", elem_id=f"gz-example-{i}")
                               for i, q in enumerate(EXAMPLES)]
        gr.HTML('<div class="gz-footer"><a href="/docs" target="_blank">API · /docs</a> · '
                f'{esc(ATTRIBUTION)}</div>')
        llm_status = gr.HTML(llm_status_html(), elem_id="gz-llm-status")     # says when the local LLM is ready
        gr.Timer(3).tick(llm_status_html, outputs=llm_status, queue=False)

        framed = [head, chatbot, question, send, clear, examples_head]
        demo.load(on_load, inputs=[lang], outputs=[session_id, browser, *framed], queue=False)
        lang.change(framing, inputs=[lang, browser], outputs=framed, queue=False)
        ask_inputs = [question, chatbot, lang, browser, session_id]
        for trigger in (question.submit, send.click):
            trigger(respond, inputs=ask_inputs, outputs=[chatbot, question], concurrency_limit=16)
        clear.click(new_conversation, outputs=[chatbot, question, session_id], queue=False)
        for button, text in zip(example_buttons, EXAMPLES):
            button.click(lambda q=text: q, outputs=question, queue=False).then(
                respond, inputs=ask_inputs, outputs=[chatbot, question], concurrency_limit=16)
    demo.queue(default_concurrency_limit=16)
    return demo
