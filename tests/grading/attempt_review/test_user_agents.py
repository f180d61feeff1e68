"""The integrity record names the device and browser in words (ua-parser's rules; in-app
browsers by their app), from real User-Agent strings of the phones members use."""
from __future__ import annotations

import pytest

from learnhub.grading.attempt_review.services import describe_user_agent
from tests.support.grading_review import ANDROID_WECHAT, DESKTOP_CHROME, HUAWEI_BROWSER, IPHONE_WECHAT

IPAD_SAFARI = ("Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
               "Version/16.6 Mobile/15E148 Safari/604.1")
MAC_SAFARI = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
              "Version/17.5 Safari/605.1.15")
WECOM = ("Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Mobile/15E148 wxwork/4.1.10 MicroMessenger/7.0.1 Language/zh ColorScheme/Light")


@pytest.mark.parametrize(("header", "words"), [
    (IPHONE_WECHAT, "iPhone · WeChat 8.0"),
    (ANDROID_WECHAT, "Android · WeChat 8.0"),     # the parser alone says "Chrome Mobile WebView"
    (DESKTOP_CHROME, "Windows · Chrome 131"),
    (HUAWEI_BROWSER, "HarmonyOS (Huawei) · Huawei Browser 14"),
    (IPAD_SAFARI, "iPad · Mobile Safari 16"),
    (MAC_SAFARI, "Mac · Safari 17"),
    (WECOM, "iPhone · WeCom 4.1"),                # 企业微信 before the WeChat it embeds
    ("curl/8.5.0", "curl 8"),
])
def test_user_agents_in_words(app, header, words):
    assert describe_user_agent(header) == words


def test_nothing_or_nonsense(app):
    assert describe_user_agent(None) == "" and describe_user_agent("  ") == ""
    assert describe_user_agent("x" * 5000) == "Unknown browser"   # bounded, never the raw header
