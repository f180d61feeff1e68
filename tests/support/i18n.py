"""The Chinese catalog the i18n tests read."""
from learnhub.config import PROJECT_ROOT

CATALOG = PROJECT_ROOT / "learnhub" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
