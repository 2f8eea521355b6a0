"""评分程序自己的话（中文）：学生反馈文件里的标题、得分和备注。每条记着它的英文孪生消息的指纹。"""

# One line a message (make stamp-messages rewrites the fingerprints in place).
# fmt: off
MESSAGES = {
    # ---- 反馈文件
    "title": ("2.5.5 练习：评分反馈 — {file}", "edb08e1fabfc"),
    "score": ("得分：{total}/{out_of}", "42b60ed1c0b8"),
    "exercise": ("练习 {n}", "ccc07b0b1270"),
    "notes": ("备注", "8a7525b1492f"),
    "sep": ("；", "0a2d3f8f9b72"),
    "list": ("、", "0a07f6594619"),
    "hidden": ("工作簿里是 ✓，但隐藏测试（工作簿里没有的输入）没有通过：{message}", "5902069959f7"),
    "not_graded": ("✗ 没有评分（见备注）", "5a4922db8bf5"),
    "not_run": ("✗ 没有评分：{why}", "c9b58fd33019"),
    "edition": ("用 {edition} 版的检查评分。", "63d939cfaed3"),
    # ---- 备注
    "empty": ("空文件", "9e8c00db8eed"),
    "too_large": ("文件太大（超过 {mb} MB），没有打开", "ba8c85ef1b3c"),
    "not_json": ("不是 notebook（不是 JSON）", "9b60f189147f"),
    "no_cells": ("不是 notebook（JSON 里没有单元格）", "d2731c5e3233"),
    "malformed_cells": ("这些单元格格式不对，没有运行：第 {cells} 个", "20d0b81fbcd5"),
    "symlink": ("这是一个符号链接，没有评分（只评真正交上来的文件）", "bb54cdb82469"),
    "not_a_file": ("不是普通文件，没有打开", "28d4e6b01670"),
    "name_not_utf8": ("文件名不是 UTF-8（按 {encoding} 读出）", "bbd07dcdc059"),
    "same_as": ("与 {other} 的内容完全相同", "f722ea3c72c6"),
    "checks_edited": ("自检单元被改过（不算：用仓库里的自检函数评分）", "4e3049b58990"),
    "redefines": ("第 {cell} 个代码单元重新定义了检查函数（不算）", "d529b0af8ca7"),
    "own_tick": ("第 {cell} 个代码单元自己打印 ✓（不算）", "a9b6530c16ef"),
    "errors": ("这些代码单元出错：{cells}", "858fc8d2a1a0"),
    "error_item": ("第 {cell} 个（{kind}）", "cc6f3819a61f"),
    "memory": ("超出内存限制", "33c7185a823e"),
    "cell_timeout": ("第 {cell} 个代码单元超时（已中断，其余单元照常运行）", "44858005ae50"),
    "cell_timeout_dead": ("第 {cell} 个代码单元超时，且没有响应中断：内核被结束，它之后的练习没有评分", "8ec9dea9cf64"),
    "exited": ("内核在第 {cell} 个代码单元提前退出，它之后的练习没有评分", "4272b9518e25"),
    "children": ("第 {cell} 个代码单元启动的子进程在它运行完后被结束", "041cc89209b2"),
    "timed_out": ("超时，没有评分", "3dcd80f1b15f"),
    "kernel_died": ("内核提前退出，没有评分", "3ba026d20229"),
    "unanswered": ("练习 {n}：内核不再响应，没有评分", "aa8cc9509417"),
    "unreadable": ("练习 {n}：内核的回答读不懂（格式不对），没有评分", "b3dffa184b81"),
    "not_attempted": ("没有作答：{exercises}", "fef6e73dc29b"),
    "exercise_n": ("练习 {n}", "4132feadf0bd"),
    "hidden_failed": ("练习 {n}：工作簿里是 ✓，但没有通过隐藏测试", "e583bd8c8fae"),
    "internals": ("第 {cell} 个代码单元动了内核的内部（{what}）：请老师看一看", "ec91093f738d"),
    "grader_error": ("评分程序处理这个文件时出错（{what}），没有评分", "889149200d58"),
}
# fmt: on
