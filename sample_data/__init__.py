"""The seed evaluation (Changsha 2023) as a workbook in the template format, and what builds it; the portfolio
samples (other places, kinds and years) in ``portfolio/``, built by ``sample_data.build_portfolio``."""
import os
from collections.abc import Mapping
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source" / "changsha_2023.toml"
WORKBOOK = HERE / "changsha_2023.xlsx"
PORTFOLIO = HERE / "portfolio"
# Everything a first run loads: the portfolio samples (oldest year first), then the seed last, so that the seed
# is the most recently published evaluation, the one a page opens on when its URL names none (docs/ux.md).
FIRST_RUN = (*(PORTFOLIO / f"{name}.xlsx" for name in (
    "fengze_2019", "nanxian_czj_2020", "daying_2021", "nanxian_czj_2021", "nanxian_czj_2022_illustrative",
    "honghe_sjzx_2024")), WORKBOOK)
# An illustrative 自评 (示例数据) of the unit and year of nanxian_czj_2022_illustrative, a pair for 自评偏差 (issue 26).
# Not in FIRST_RUN, so the first-run figures stay as they are; publish it to see the pair.
SELF_REVIEW_SAMPLE = PORTFOLIO / "nanxian_czj_2022_self_illustrative.xlsx"


def first_run(environ: Mapping[str, str] = os.environ) -> tuple[Path, ...]:
    """The workbooks an empty store is seeded with: ``EVALBOARD_SAMPLES`` = ``all`` (default: the seed and the
    portfolio samples), ``seed`` (Changsha 2023 only) or ``none``."""
    choice = (environ.get("EVALBOARD_SAMPLES") or "all").strip().lower()
    if choice == "none":
        return ()
    if choice == "seed":
        return (WORKBOOK,)
    return FIRST_RUN
