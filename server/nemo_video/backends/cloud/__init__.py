"""backends/cloud"""
