#!/usr/bin/env sh
# Rebuild ledgers/wucheng-wlt.yaml from feedback.yaml with rectify's own commands:
# the 2022-2023 inspection of the 婺城区文化和旅游体育局, as its 2023-05-04 bulletin
# published it (19 of 25 closed, 76%; 12 rules, 71,320.00 元, people by kind). The
# people's names and the dates of single steps are illustrative.
set -eu
cd "$(dirname "$0")"
rm -rf ledgers && mkdir ledgers
export RECTIFY_LEDGERS=ledgers RECTIFY_TODAY=2023-05-04
r() { rectify "$@" >/dev/null; }
r unit add wucheng-wlt --name 婺城区文化和旅游体育局 --round 2022年区委巡察 --group 区委第二巡察组 \
  --feedback-date 2023-01-17 --supervisor 督导二组
r add -u wucheng-wlt --from feedback.yaml --date 2023-01-17 --by 区委巡察办
day=1
for n in 001 002 004 005 007 008 009 010 011 012 013 014 016 018 019 021 022 024 025; do
  r start "wucheng-wlt-$n" --by 方某 --date 2023-02-01
  r close "wucheng-wlt-$n" --by 方某 --approver 郑某 --date "2023-03-$(printf %02d $((day + 5)))" \
    --note 整改措施已落实，审签销号
  day=$((day + 1))
done
for n in 003 006 015 017 020 023; do
  r progress "wucheng-wlt-$n" --by 方某 --note 按计划推进，需长期坚持 --date 2023-03-15
done
# the three 到位 (追责问责 / 追缴资金 / 建章立制), as dated events
r account wucheng-wlt-009 --people 批评帮助=5 --people 责令检查=1 --rules 2 --by 方某 --date 2023-04-25
r account wucheng-wlt-012 --people 批评教育=6 --funds 50000.00 --rules 3 --by 方某 --date 2023-04-26
r account wucheng-wlt-010 --people 交由纪委调查=1 --rules 2 --by 方某 --date 2023-04-26
r account wucheng-wlt-013 --funds 21320.00 --rules 2 --by 方某 --date 2023-04-27
r account wucheng-wlt-014 --rules 3 --by 方某 --date 2023-04-28
{ printf '%s\n' "# 婺城区文化和旅游体育局 2022-2023 inspection (区委第二巡察组), as its bulletin of 2023-05-04" \
  "# published it: 25 specific problems, 19 closed (76%), 12 rules, 71,320.00 yuan, people by kind." \
  "# Built by make.sh with rectify's own commands. The figures are exact; the wording of each" \
  "# problem, the names and the dates of single steps are illustrative."; cat ledgers/wucheng-wlt.yaml; } \
  > ledgers/.tmp && mv ledgers/.tmp ledgers/wucheng-wlt.yaml
rectify check
rectify status --unit wucheng-wlt --precision 0 --wide --money wan
