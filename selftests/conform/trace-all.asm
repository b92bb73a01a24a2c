	ret #TRACE(5)
