"""The map page: its assets, the pins payload and the folium page build."""
