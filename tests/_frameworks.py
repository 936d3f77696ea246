"""A small valid framework that tests vary to produce each kind of mistake."""

import textwrap

# Three 一级 leaves and a branch, one rule kind each; weights sum to their parents.
GOOD = textwrap.dedent(
    """\
    id: tiny
    title: 测试用指标体系
    kind: unit_overall
    indicators:
      - code: a
        name: 预算执行
        weight: 6
        children:
          - code: a.rate
            name: 预算完成率
            weight: 4
            rule:
              kind: step_deduction
              value: budget.actual / budget.adjusted
              full_when: ≥90%
              step: 5%
              deduct: 1
          - code: a.check
            name: 信息公开
            weight: 2
            rule:
              kind: checklist
              fact: checklists.disclosure
              points: 1
              items: [{text: 按规定内容公开}, {text: 按规定时限公开}]
      - code: b
        name: 管理制度健全性
        weight: 4
        rule:
          kind: judgment
          fact: judgments.rules
          levels: [{level: 健全, score: 4}, {level: 不健全, score: 0}]
    """
)
