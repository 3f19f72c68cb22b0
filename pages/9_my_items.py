"""我的整改 (issue 25): a unit account's own 整改 items, what the bureau last said, and reporting with evidence."""
import streamlit as st

from components import auth, flash, layout, my_rectification

layout.page("我的整改", picker=False, units_page=True)
who = auth.actor()
if who is None or not who.name:
    st.info("请先登录。单位填报账户由管理员在“管理”页或用命令行创建。")
    st.stop()
flash.show()
my_rectification.render(who)
