"""The seed evaluation (Changsha 2023) as a workbook in the template format, and what builds it."""
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source" / "changsha_2023.toml"
WORKBOOK = HERE / "changsha_2023.xlsx"
