<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <location filename="../ui/mainwindow.cpp" line="261"/>
        <source>%n client(s) registered or changed since the start</source>
        <translation>
            <numerusform>%n client registered or changed since the start</numerusform>
            <numerusform>%n clients registered or changed since the start</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/mainwindow.cpp" line="262"/>
        <source>%n token(s), with the approvals they were issued under</source>
        <translation>
            <numerusform>%n token, with the approval it was issued under</numerusform>
            <numerusform>%n tokens, with the approvals they were issued under</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TrafficPage</name>
    <message numerus="yes">
        <location filename="../ui/trafficpage.cpp" line="59"/>
        <source>(%n byte(s) of binary data)</source>
        <translation>
            <numerusform>(%n byte of binary data)</numerusform>
            <numerusform>(%n bytes of binary data)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/trafficpage.cpp" line="243"/>
        <source>%n finding(s):</source>
        <translation>
            <numerusform>%n finding:</numerusform>
            <numerusform>%n findings:</numerusform>
        </translation>
    </message>
</context>
</TS>
