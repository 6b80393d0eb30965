"""The smallest Streamlit page with one KPI and one plotly chart: the benchmark times its first
chart the same way as the overview's, as the floor that Streamlit, plotly.js and headless
Chromium set on this machine before any of the dashboard's own work."""

import plotly.graph_objects as go
import streamlit as st

st.title("floor")
st.metric("KPI", 1)
st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2])))
