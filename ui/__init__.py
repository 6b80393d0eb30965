"""The Streamlit side: the shared sidebar, cached data access and the page building blocks."""
