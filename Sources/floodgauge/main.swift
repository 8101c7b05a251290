print("floodgauge")
