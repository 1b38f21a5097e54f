"""backends/local/render"""
