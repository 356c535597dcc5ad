"""Drawing: Folium maps, legends, locators, SVG charts, matplotlib images and the briefing PDF."""
