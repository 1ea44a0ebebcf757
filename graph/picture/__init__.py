"""What a person sees: the view, links (the URL), layout, the style table, the drawing payload, the Streamlit component, the PNG, exports."""
