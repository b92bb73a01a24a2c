	ret #LOG
