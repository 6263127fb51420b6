"""Make ec2:DescribeRegions agree with the plan's disabled regions.

moto answers DescribeRegions alike for every account. An account that has not enabled a region
(FaultPlan.disabled_regions) sees it in AWS as `not-opted-in`; the proxy rewrites the
`optInStatus` of those regions in moto's EC2 XML answer so a caller checking opt-in status
learns what the region's failing calls would tell it.
"""

from __future__ import annotations

import re
from collections.abc import Collection

_ITEM = re.compile(rb"<item>.*?</item>", re.DOTALL)
_REGION_NAME = re.compile(rb"<regionName>([^<]+)</regionName>")
_OPT_IN = re.compile(rb"<optInStatus>[^<]*</optInStatus>")
NOT_OPTED_IN = b"<optInStatus>not-opted-in</optInStatus>"


def mark_not_opted_in(body: bytes, regions: Collection[str]) -> bytes:
    """`body` (a DescribeRegions answer) with each of `regions` marked `not-opted-in`."""
    if not regions:
        return body
    wanted = {region.encode() for region in regions}

    def rewrite(item: re.Match[bytes]) -> bytes:
        text = item.group(0)
        name = _REGION_NAME.search(text)
        if name is None or name.group(1) not in wanted:
            return text
        if _OPT_IN.search(text):
            return _OPT_IN.sub(NOT_OPTED_IN, text)
        return text.replace(b"</item>", NOT_OPTED_IN + b"</item>")

    return _ITEM.sub(rewrite, body)


__all__ = ["NOT_OPTED_IN", "mark_not_opted_in"]
