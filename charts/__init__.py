"""Chart builders: DataFrame in, plotly figure out. No Streamlit here (pages call these)."""
