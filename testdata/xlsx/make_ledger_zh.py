"""Writes ledger_zh.xlsx: testdata/snapshot/small typed as a community would in Excel.

Made with openpyxl (not famplan's own writer), so the reader is tested on a workbook from
another tool. Chinese sheet names, a title row above the header, Chinese headers and values,
dates as Excel dates, as bare serial numbers, as text in several forms and as 8-digit
numbers, ids as numbers and as text, a blank row, and a remark column that is not used.
Importing it must give what importing testdata/snapshot/small gives.

    python3 -m venv /tmp/xlvenv && /tmp/xlvenv/bin/pip install openpyxl==3.1.5
    /tmp/xlvenv/bin/python testdata/xlsx/make_ledger_zh.py
"""

import datetime as dt
import os

from openpyxl import Workbook

D = dt.date


def serial(d):
    """Excel's serial number of a date (1900 system, after 1900-03-01)."""
    return (d - D(1899, 12, 30)).days


wb = Workbook()
ws = wb.active
ws.title = "网格"
ws.append(["网格编号", "片区编号", "社区编号"])
ws.append([1011, 101, 1])  # numbers: read as 1011, not 1011.0
ws.append([1012, "101", "1"])  # numbers as text
ws.append([1021, 102, 1])

ws = wb.create_sheet("住户")
ws.append(["户编号", "网格编号", "住房类型"])
ws.append([1, 1011, "自有"])
ws.append([2, 1011, "出租房"])
ws.append([3, 1012, "街面房"])
ws.append([4, 1021, "集体户"])

ws = wb.create_sheet("人员")
ws.append(["某社区育龄妇女台账（2026年6月）"])  # a title row above the header
ws.append([])
ws.append(["个人编号", "户编号", "网格编号", "姓名", "性别", "出生日期", "婚姻状况", "户籍性质", "是否建档",
           "避孕措施", "措施开始日期", "末次生育日期", "身份证号", "联系电话", "婚姻变动日期", "居住变动日期",
           "建档日期", "标签", "备注"])
ws.append([1, 1, 1011, "李梅", "女", D(1990, 5, 1), "已婚", "户籍", "是", "上环", "2026/1/31", "2025年10月20日",
           None, 13812345678, None, None, None, None, "本人电话"])
ws.append([2, 1, 1011, "王强", "男", serial(D(1988, 2, 11)), "已婚", "户籍", "否", None, None, None,
           None, None, None, None, None, None, None])
ws.append([])  # a blank row between people
ws.append([3, 2, 1011, None, "女", "2008-02-29", "未婚", "流入", "否", None, None, None,
           None, None, None, D(2025, 3, 1), None, "key_population", None])
ws.append(["4", "2", "1011", None, "女", 19761231, "离婚", "流入", "是", "无", None, None,
           None, None, "2019.6.1", None, D(2020, 1, 5), None, None])
ws.append([5, 3, 1012, None, "女", D(1995, 7, 7), "已婚", "户籍", 1, "口服药", None, None,
           "11010519491231002X", None, D(2018, 10, 1), None, None, "key_population;special_client", None])
ws.append([6, 4, 1021, None, "女", D(1961, 1, 1), "丧偶", "流出", 0, None, None, None,
           None, None, None, "2024-01-01", None, None, None])
ws.append([7, 4, 1021, None, "男", D(2020, 6, 15), "未婚", "户籍", "否", None, None, None,
           None, None, None, None, None, None, None])
for row in ws.iter_rows(min_row=4):
    for cell in row:
        if isinstance(cell.value, dt.date):
            cell.number_format = "yyyy年m月d日"

ws = wb.create_sheet("随访")
ws.append(["随访编号", "个人编号", "随访日期", "随访类型"])
ws.append([1, 1, D(2026, 2, 27), "术后随访"])
ws.append([2, 3, D(2026, 6, 3), "流动人口月查"])
ws.append([3, 4, serial(D(2026, 6, 30)), "floating_monthly_check"])
ws.append([4, 1, "2026/5/2", "术后随访"])
ws.append([5, 5, D(2026, 3, 15), "药具随访"])

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ledger_zh.xlsx")
wb.save(out)
print("wrote", out)
