"""Statistics with pandas: reports and exports."""
